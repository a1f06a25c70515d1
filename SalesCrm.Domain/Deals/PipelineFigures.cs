using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Deals;

/// <summary>
/// The exact definitions of the pipeline figures (docs/features.md), as pure functions over plain data.
/// The data layer computes the same figures in SQL; tests hold the two to each other.
/// </summary>
public static class PipelineFigures
{
    /// <summary>Stuck: an open deal whose whole days in its current stage exceed that stage's threshold.</summary>
    public static bool IsStuck(StageCode stage, DateTime stageEnteredAt, int stuckAfterDays, DateTime now) =>
        !stage.IsClosed() && stuckAfterDays > 0 && DaysInStage(stageEnteredAt, now) > stuckAfterDays;

    public static int DaysInStage(DateTime stageEnteredAt, DateTime now) => (int)Math.Floor((now - stageEnteredAt).TotalDays);

    /// <summary>A deal is stuck exactly when it entered its stage at or before this moment: now − (threshold + 1) days.</summary>
    public static DateTime StuckIfEnteredBefore(DateTime now, int stuckAfterDays) => now.AddDays(-(stuckAfterDays + 1));

    /// <summary>
    /// Weighted forecast for a period: won premium in it + Σ premium × probability of open deals expected to
    /// close in it. Kopecks; the weighted part is summed before dividing by 100 and truncated once.
    /// </summary>
    public static long WeightedForecast(IEnumerable<ForecastDeal> deals, ReportingPeriod period)
    {
        long won = 0, weightedTimes100 = 0;
        foreach (var d in deals)
        {
            if (d.Stage == StageCode.Won && d.ClosedAt is { } closed && period.Contains(closed)) won += d.PremiumKopecks;
            else if (!d.Stage.IsClosed() && period.ContainsDate(d.ExpectedCloseDate)) weightedTimes100 += d.PremiumKopecks * d.Probability;
        }
        return won + weightedTimes100 / 100;
    }

    public static long WonPremium(IEnumerable<ForecastDeal> deals, ReportingPeriod period) =>
        deals.Where(d => d.Stage == StageCode.Won && d.ClosedAt is { } c && period.Contains(c)).Sum(d => d.PremiumKopecks);

    /// <summary>
    /// Stage conversion k→k+1: of the deals that entered stage k in the period, the share that later entered
    /// a stage after k (won counts, lost does not) before <paramref name="measuredAt"/> (by default: ever). A cohort compared
    /// with another is measured at the same age (<see cref="PeriodComparison"/>).
    /// </summary>
    public static IReadOnlyDictionary<StageCode, (int Entered, int Progressed)> Conversion(
        IEnumerable<StageEntry> history, ReportingPeriod period, DateTime? measuredAt = null)
    {
        var until = measuredAt ?? DateTime.MaxValue;
        var byDeal = history.GroupBy(h => h.DealId).ToDictionary(g => g.Key, g => g.OrderBy(h => h.At).ToList());
        var result = new Dictionary<StageCode, (int, int)>();
        foreach (var stage in StageCodes.Open)
        {
            var entered = new HashSet<int>();
            var progressed = new HashSet<int>();
            foreach (var (dealId, entries) in byDeal)
            {
                foreach (var e in entries.Where(e => e.To == stage && period.Contains(e.At)))
                {
                    entered.Add(dealId);
                    if (entries.Any(n => n.At > e.At && n.At < until && n.To > stage && n.To != StageCode.Lost)) progressed.Add(dealId);
                }
            }
            result[stage] = (entered.Count, progressed.Count);
        }
        return result;
    }

    public static double? Share(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>What the forecast needs of a deal.</summary>
public sealed record ForecastDeal(StageCode Stage, long PremiumKopecks, int Probability, DateTime ExpectedCloseDate, DateTime? ClosedAt);

/// <summary>One entry into a stage, from the stage history.</summary>
public sealed record StageEntry(int DealId, StageCode To, DateTime At);
