using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>A period is compared like for like: the same elapsed time of the period before, cohorts measured at the same age.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class PeriodComparisons
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    private static DateTime Msk(int month, int day, int hour = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(2026, month, day, hour, 0, 0, DateTimeKind.Unspecified), Moscow);

    [Fact]
    public void ARunningMonthIsComparedWithTheSameDaysOfTheMonthBefore()
    {
        var december = ReportingPeriod.Month(2026, 12, Moscow);
        var now = Msk(12, 7, 10); // six days and ten hours into December
        var c = PeriodComparison.Of(december, now, Moscow);

        Assert.True(c.Cut);
        Assert.True(c.Comparable);
        Assert.Equal(Msk(11, 1), c.Baseline.FromUtc);
        Assert.Equal(Msk(11, 7, 10), c.Baseline.ToUtc);
        Assert.Equal(new DateOnly(2026, 11, 1), c.Baseline.FirstDay);
        Assert.Equal(new DateOnly(2026, 11, 7), c.Baseline.LastDay);
        Assert.Equal(Msk(11, 7, 10), c.BaselineMeasuredAt); // the November cohort as it stood at the same age
        Assert.Equal(now, c.MeasuredAt);
    }

    [Fact]
    public void AnEndedPeriodIsComparedWithTheWholePeriodBeforeMeasuredAtTheSameAge()
    {
        var november = ReportingPeriod.Month(2026, 11, Moscow);
        var c = PeriodComparison.Of(november, Msk(12, 7, 10), Moscow);

        Assert.False(c.Cut);
        Assert.Equal(ReportingPeriod.Month(2026, 10, Moscow), c.Baseline);
        // November's cohort is measured now, 36 days and 10 hours after November began; October's at the same age.
        Assert.Equal(Msk(10, 1) + (Msk(12, 7, 10) - Msk(11, 1)), c.BaselineMeasuredAt);
    }

    [Fact]
    public void ALongerRunningMonthStopsAtTheEndOfAShorterOne()
    {
        var march = ReportingPeriod.Month(2026, 3, Moscow);
        var c = PeriodComparison.Of(march, Msk(3, 30, 12), Moscow);
        Assert.False(c.Cut); // 29.5 days of March cover all of February
        Assert.Equal(ReportingPeriod.Month(2026, 2, Moscow), c.Baseline);
    }

    [Fact]
    public void LessThanADayIsNotComparableAndNeitherIsASmallCohort()
    {
        var december = ReportingPeriod.Month(2026, 12, Moscow);
        var early = PeriodComparison.Of(december, Msk(12, 1, 15), Moscow);
        Assert.False(early.Comparable);
        Assert.Null(early.ConversionChange((10, 5), (10, 8)));

        var later = PeriodComparison.Of(december, Msk(12, 7, 10), Moscow);
        Assert.Equal(-30, later.ConversionChange((10, 5), (10, 8))!.Value, 6);
        Assert.Null(later.ConversionChange((PeriodComparison.MinimumCohort - 1, 1), (10, 8)));
        Assert.Null(later.ConversionChange((10, 5), (PeriodComparison.MinimumCohort - 1, 1)));
    }

    [Fact]
    public void TheBaselineCohortCountsOnlyTheMovesMadeAtTheSameAge()
    {
        var december = ReportingPeriod.Month(2026, 12, Moscow);
        var c = PeriodComparison.Of(december, Msk(12, 7, 10), Moscow);
        var history = new[]
        {
            // Entered qualification on 2 November; moved on 5 November (within the same age) — counts.
            new StageEntry(1, StageCode.Qualification, Msk(11, 2)), new StageEntry(1, StageCode.NeedsAnalysis, Msk(11, 5)),
            // Entered on 3 November; moved on 20 November — after the age December has reached: not yet progressed.
            new StageEntry(2, StageCode.Qualification, Msk(11, 3)), new StageEntry(2, StageCode.NeedsAnalysis, Msk(11, 20)),
            // Entered on 10 November: outside the same days, not in the baseline cohort at all.
            new StageEntry(3, StageCode.Qualification, Msk(11, 10)), new StageEntry(3, StageCode.NeedsAnalysis, Msk(11, 11)),
        };
        var baseline = PipelineFigures.Conversion(history, c.Baseline, c.BaselineMeasuredAt);
        Assert.Equal((2, 1), baseline[StageCode.Qualification]);
        var whole = PipelineFigures.Conversion(history, december.Previous(Moscow));
        Assert.Equal((3, 3), whole[StageCode.Qualification]); // what the old, unfair comparison counted
    }
}
