using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ReportingPeriods
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    [Fact]
    public void AMonthStartsAtLocalMidnight()
    {
        var november = ReportingPeriod.Month(2026, 11, Moscow);
        Assert.Equal(new DateTime(2026, 10, 31, 21, 0, 0, DateTimeKind.Utc), november.FromUtc);
        Assert.Equal(new DateTime(2026, 11, 30, 21, 0, 0, DateTimeKind.Utc), november.ToUtc);
        Assert.True(november.Contains(new DateTime(2026, 10, 31, 21, 0, 0, DateTimeKind.Utc)));
        Assert.False(november.Contains(new DateTime(2026, 10, 31, 20, 59, 59, DateTimeKind.Utc)));
        Assert.False(november.Contains(november.ToUtc));
    }

    [Fact]
    public void TheQuarterContainingAMomentAndTheOneBefore()
    {
        var q = ReportingPeriod.Containing(PeriodKind.Quarter, new DateTime(2026, 1, 1, 0, 30, 0, DateTimeKind.Utc), Moscow);
        Assert.Equal(new DateOnly(2026, 1, 1), q.FirstDay);
        Assert.Equal(new DateOnly(2026, 3, 31), q.LastDay);
        var before = q.Previous(Moscow);
        Assert.Equal(new DateOnly(2025, 10, 1), before.FirstDay);
        Assert.Equal([(2025, 10), (2025, 11), (2025, 12)], before.Months().ToArray());
    }

    [Fact]
    public void ACustomPeriodIsFollowedBackByOneOfTheSameLength()
    {
        var p = ReportingPeriod.Custom(new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 16), Moscow);
        var before = p.Previous(Moscow);
        Assert.Equal(new DateOnly(2026, 11, 3), before.FirstDay);
        Assert.Equal(new DateOnly(2026, 11, 9), before.LastDay);
        Assert.Throws<DomainException>(() => ReportingPeriod.Custom(new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 1), Moscow));
    }
}

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class PipelineFigureDefinitions
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(14.9, false)]
    [InlineData(15.0, true)] // 15 whole days > 14
    [InlineData(40, true)]
    public void StuckMeansWholeDaysInStageOverTheThreshold(double days, bool stuck)
    {
        var entered = Now.AddDays(-days);
        Assert.Equal(stuck, PipelineFigures.IsStuck(StageCode.Negotiation, entered, 14, Now));
        Assert.Equal(stuck, entered <= PipelineFigures.StuckIfEnteredBefore(Now, 14));
    }

    [Fact]
    public void AClosedDealIsNeverStuck() =>
        Assert.False(PipelineFigures.IsStuck(StageCode.Won, Now.AddDays(-100), 14, Now));

    [Fact]
    public void TheForecastIsWonPlusWeightedOpenExpectedInThePeriod()
    {
        var zone = TimeZoneInfo.Utc;
        var november = ReportingPeriod.Month(2026, 11, zone);
        var deals = new[]
        {
            new ForecastDeal(StageCode.Won, 100_00, 100, new DateTime(2026, 11, 1), new DateTime(2026, 11, 5, 10, 0, 0, DateTimeKind.Utc)),
            new ForecastDeal(StageCode.Won, 999_00, 100, new DateTime(2026, 10, 1), new DateTime(2026, 10, 30, 10, 0, 0, DateTimeKind.Utc)),
            new ForecastDeal(StageCode.Negotiation, 1_000_00, 60, new DateTime(2026, 11, 30), null),
            new ForecastDeal(StageCode.ProposalSent, 333, 40, new DateTime(2026, 11, 15), null),
            new ForecastDeal(StageCode.Negotiation, 5_000_00, 60, new DateTime(2026, 12, 1), null),
            new ForecastDeal(StageCode.Lost, 7_000_00, 0, new DateTime(2026, 11, 10), new DateTime(2026, 11, 10, 0, 0, 0, DateTimeKind.Utc)),
        };
        // 100.00 won + (1000.00 × 60 + 3.33 × 40) / 100 = 100.00 + 600.00 + 1.332 → 70 133 kopecks (truncated once)
        Assert.Equal(100_00 + (1_000_00L * 60 + 333L * 40) / 100, PipelineFigures.WeightedForecast(deals, november));
        Assert.Equal(100_00, PipelineFigures.WonPremium(deals, november));
    }

    [Fact]
    public void ConversionCountsDealsThatEnteredAndLaterMovedOnButNotToLost()
    {
        var zone = TimeZoneInfo.Utc;
        var november = ReportingPeriod.Month(2026, 11, zone);
        DateTime D(int day) => new(2026, 11, day, 12, 0, 0, DateTimeKind.Utc);
        var history = new[]
        {
            new StageEntry(1, StageCode.Qualification, D(2)), new StageEntry(1, StageCode.NeedsAnalysis, D(5)),
            new StageEntry(2, StageCode.Qualification, D(3)), new StageEntry(2, StageCode.Lost, D(6)),
            new StageEntry(3, StageCode.Qualification, D(4)), new StageEntry(3, StageCode.Won, D(20)),
            new StageEntry(4, StageCode.Qualification, new DateTime(2026, 10, 30, 0, 0, 0, DateTimeKind.Utc)),
            new StageEntry(4, StageCode.NeedsAnalysis, D(1)),
            new StageEntry(5, StageCode.Qualification, D(7)), new StageEntry(5, StageCode.New, D(8)), new StageEntry(5, StageCode.Qualification, D(9)),
        };
        var c = PipelineFigures.Conversion(history, november);
        Assert.Equal((4, 2), c[StageCode.Qualification]); // deals 1, 2, 3, 5 entered; 1 and 3 moved on
        Assert.Equal((2, 0), c[StageCode.NeedsAnalysis]);
        Assert.Equal((1, 1), c[StageCode.New]);          // deal 5 went back to New, then forward again
    }
}
