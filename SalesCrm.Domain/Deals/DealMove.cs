using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Deals;

/// <summary>
/// A committed move between stages, with what the deal was before it: enough for figures kept in memory to follow the move
/// instead of being read again (decision 0017). <see cref="History"/> is the deal's whole stage history after the move, the
/// move's own entry last.
/// </summary>
public sealed record DealMove(int DealId, int OwnerId, StageCode From, StageCode To, DateTime At, int FromProbability, DateTime FromEnteredAt,
    int ToProbability, long PremiumKopecks, int Version, IReadOnlyList<StageEntry> History)
{
    /// <summary>The move of a committed event (the deal's version is the one saved).</summary>
    public static DealMove Of(DealStageChanged e) => new(e.DealId, e.OwnerId, e.From, e.To, e.OccurredAt, e.FromProbability, e.FromEnteredAt,
        e.Deal.Probability, e.Deal.PremiumKopecks, e.Deal.Version, [.. e.Deal.StageChanges.OrderBy(c => c.At).Select(c => new StageEntry(e.DealId, c.To, c.At))]);

    /// <summary>Both stages open: the deal stays in the open funnel, and nothing but its stage, probability and stage entry changed.</summary>
    public bool BetweenOpenStages => !From.IsClosed() && !To.IsClosed();

    /// <summary>The stage history as it was before the move (the move's own entry is the last).</summary>
    public IReadOnlyList<StageEntry> HistoryBefore => History.Count > 0 && History[^1].To == To && History[^1].At == At ? History.Take(History.Count - 1).ToList() : History;

    /// <summary>
    /// What the move changed in the stage conversion of <paramref name="period"/> (<see cref="PipelineFigures.Conversion"/>):
    /// the deal's part after the move less its part before, per open stage; zero for most stages.
    /// </summary>
    public IReadOnlyDictionary<StageCode, (int Entered, int Progressed)> ConversionChange(ReportingPeriod period)
    {
        var after = PipelineFigures.Conversion(History, period);
        var before = PipelineFigures.Conversion(HistoryBefore, period);
        return after.ToDictionary(a => a.Key, a =>
        {
            before.TryGetValue(a.Key, out var b);
            return (a.Value.Entered - b.Entered, a.Value.Progressed - b.Progressed);
        });
    }
}
