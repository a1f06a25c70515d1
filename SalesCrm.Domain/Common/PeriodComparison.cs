namespace SalesCrm.Domain.Common;

/// <summary>
/// What a period is compared with, like for like. The baseline is the period before, cut to the time the current one has
/// had: 7 days of a running December compare with 1–7 November, not with all of November. A cohort (the deals that
/// entered a stage) is measured at the same age in both: the current one now, the baseline's as it stood the same time
/// after its own start. A period that has not yet had a full day is not comparable, and neither is a cohort smaller than
/// <see cref="MinimumCohort"/> deals.
/// </summary>
public sealed record PeriodComparison(ReportingPeriod Period, ReportingPeriod Baseline, bool Cut, DateTime MeasuredAt, DateTime BaselineMeasuredAt)
{
    /// <summary>The fewest deals a stage cohort needs, in each period, for its conversion to be compared.</summary>
    public const int MinimumCohort = 5;

    public static PeriodComparison Of(ReportingPeriod period, DateTime now, TimeZoneInfo zone)
    {
        var previous = period.Previous(zone);
        var elapsed = (now < period.ToUtc ? now : period.ToUtc) - period.FromUtc;
        if (elapsed < TimeSpan.Zero) elapsed = TimeSpan.Zero;
        var cutAt = previous.FromUtc + elapsed;
        var cut = now < period.ToUtc && cutAt < previous.ToUtc;
        var baseline = cut ? previous with { Kind = PeriodKind.Custom, LastDay = LastDayBefore(cutAt, zone, previous.FirstDay), ToUtc = cutAt } : previous;
        return new PeriodComparison(period, baseline, cut, now, previous.FromUtc + (now - period.FromUtc));
    }

    /// <summary>At least one full day of the period has passed: before that there is nothing to compare.</summary>
    public bool Comparable => MeasuredAt - Period.FromUtc >= TimeSpan.FromDays(1);

    /// <summary>The change of a stage's conversion in percentage points, or null when the two cohorts cannot be compared.</summary>
    public double? ConversionChange((int Entered, int Progressed) current, (int Entered, int Progressed) baseline) =>
        Comparable && current.Entered >= MinimumCohort && baseline.Entered >= MinimumCohort
            ? ((double)current.Progressed / current.Entered - (double)baseline.Progressed / baseline.Entered) * 100
            : null;

    private static DateOnly LastDayBefore(DateTime cutAt, TimeZoneInfo zone, DateOnly first)
    {
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(cutAt.AddTicks(-1), zone));
        return last < first ? first : last;
    }
}
