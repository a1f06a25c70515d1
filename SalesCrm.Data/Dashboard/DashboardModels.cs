using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Dashboard;

/// <summary>
/// One stage of the funnel: what is in it now, how it converted in the period and in its like-for-like baseline
/// (<see cref="PeriodComparison"/>), and the change in percentage points when the two can be compared.
/// </summary>
public sealed record FunnelStage(StageCode Stage, string Name, int Count, long PremiumKopecks, long WeightedKopecks,
    int Entered, int Progressed, int PreviousEntered, int PreviousProgressed, double? ChangePoints)
{
    public double? Conversion => PipelineFigures.Share(Progressed, Entered);

    public double? PreviousConversion => PipelineFigures.Share(PreviousProgressed, PreviousEntered);
}

/// <summary>The weighted forecast of a period against the plan (kopecks).</summary>
public sealed record ForecastFigure(PeriodKind Kind, DateOnly FirstDay, DateOnly LastDay, long WonKopecks, long WeightedOpenKopecks,
    long PlanKopecks)
{
    public long ForecastKopecks => WonKopecks + WeightedOpenKopecks;

    public double? Attainment => PlanKopecks == 0 ? null : (double)WonKopecks / PlanKopecks;

    public double? ForecastToPlan => PlanKopecks == 0 ? null : (double)ForecastKopecks / PlanKopecks;

    /// <summary>The month or quarter the forecast is of.</summary>
    public ReportingPeriod Period(TimeZoneInfo zone) => Kind == PeriodKind.Quarter
        ? ReportingPeriod.Quarter(FirstDay.Year, (FirstDay.Month - 1) / 3 + 1, zone)
        : ReportingPeriod.Month(FirstDay.Year, FirstDay.Month, zone);
}

public sealed record StuckDeal(int DealId, string ClientName, string ProductName, int OwnerId, string OwnerName, StageCode Stage,
    DateTime StageEnteredAt, int DaysInStage, int ThresholdDays, long PremiumKopecks);

[Flags]
public enum AttentionFilter
{
    None = 0,
    ProposalExpiring = 1,
    NoActivity = 2,
    HighRiskClient = 4,
}

public sealed record AttentionDeal(int DealId, string ClientName, string ProductName, int OwnerId, string OwnerName, StageCode Stage,
    long PremiumKopecks, DateTime? ProposalValidUntil, DateTime? LastActivityAt, DateTime CreatedAt, RiskLevel ClientRisk);

/// <summary>Who the dashboard is about: one team, or the whole department (null).</summary>
public sealed record DashboardScope(int? TeamId, string Name, IReadOnlyList<int>? OwnerIds);

public sealed record TeamOption(int? Id, string Name);

/// <summary>Everything on /dashboard for one scope and period.</summary>
public sealed record DashboardData
{
    public required DashboardScope Scope { get; init; }
    public required ReportingPeriod Period { get; init; }
    public required PeriodComparison Comparison { get; init; }
    public required IReadOnlyList<FunnelStage> Funnel { get; init; }
    public required ForecastFigure MonthForecast { get; init; }
    public required ForecastFigure QuarterForecast { get; init; }
    public required IReadOnlyList<StuckDeal> Stuck { get; init; }
    public required int StuckTotal { get; init; }
    public required IReadOnlyDictionary<AttentionFilter, int> AttentionCounts { get; init; }
    public required IReadOnlyList<AttentionDeal> Attention { get; init; }
    public required int AttentionTotal { get; init; }
    public required DateTime ComputedAt { get; init; }

    /// <summary>
    /// The figures of a scope made of parts that share no deal (a department of its teams): counts, sums and cohorts added up,
    /// the conversion change taken from the sums, the lists merged in their order and cut to <paramref name="listSize"/>; as of
    /// its oldest part.
    /// </summary>
    public static DashboardData Combine(DashboardScope scope, ReportingPeriod period, PeriodComparison comparison, IReadOnlyList<DashboardData> parts,
        int listSize)
    {
        var funnel = parts[0].Funnel.Select(stage =>
        {
            var same = parts.Select(p => p.Funnel.Single(s => s.Stage == stage.Stage)).ToList();
            var (entered, progressed) = (same.Sum(s => s.Entered), same.Sum(s => s.Progressed));
            var (previousEntered, previousProgressed) = (same.Sum(s => s.PreviousEntered), same.Sum(s => s.PreviousProgressed));
            return stage with
            {
                Count = same.Sum(s => s.Count), PremiumKopecks = same.Sum(s => s.PremiumKopecks), WeightedKopecks = same.Sum(s => s.WeightedKopecks),
                Entered = entered, Progressed = progressed, PreviousEntered = previousEntered, PreviousProgressed = previousProgressed,
                ChangePoints = comparison.ConversionChange((entered, progressed), (previousEntered, previousProgressed)),
            };
        }).ToList();
        static ForecastFigure Sum(IEnumerable<ForecastFigure> figures)
        {
            var list = figures.ToList();
            return list[0] with
            {
                WonKopecks = list.Sum(f => f.WonKopecks), WeightedOpenKopecks = list.Sum(f => f.WeightedOpenKopecks), PlanKopecks = list.Sum(f => f.PlanKopecks),
            };
        }
        return new DashboardData
        {
            Scope = scope,
            Period = period,
            Comparison = comparison,
            Funnel = funnel,
            MonthForecast = Sum(parts.Select(p => p.MonthForecast)),
            QuarterForecast = Sum(parts.Select(p => p.QuarterForecast)),
            Stuck = [.. parts.SelectMany(p => p.Stuck).OrderBy(d => d.StageEnteredAt).ThenBy(d => d.DealId).Take(listSize)],
            StuckTotal = parts.Sum(p => p.StuckTotal),
            AttentionCounts = parts.SelectMany(p => p.AttentionCounts).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value)),
            Attention = [.. parts.SelectMany(p => p.Attention).OrderByDescending(d => d.PremiumKopecks).ThenBy(d => d.DealId).Take(listSize)],
            AttentionTotal = parts.Sum(p => p.AttentionTotal),
            ComputedAt = parts.Min(p => p.ComputedAt), // as of its oldest part

        };
    }
}
