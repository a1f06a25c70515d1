using SalesCrm.Data.Access;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Dashboard;

/// <summary>
/// The dashboard's figures, each computed by the database (GROUP BY, SUM, EXISTS) rather than by loading
/// deals: the definitions are those of <see cref="PipelineFigures"/>. <c>owners</c> limits them to a
/// team's managers; null means the whole department. Static so the benchmarks run exactly these queries.
/// </summary>
public static class DashboardQueries
{
    private static IQueryable<Deal> Scoped(CrmDbContext db, IReadOnlyList<int>? owners)
    {
        var deals = db.Deals.AsNoTracking();
        return owners is null ? deals : deals.Where(d => owners.Contains(d.OwnerId));
    }

    private static IQueryable<Deal> Open(this IQueryable<Deal> deals) =>
        deals.Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost);

    /// <summary>
    /// The funnel of the dashboard and of the management pack: per stage its totals (<see cref="StageTotalsAsync"/>) and
    /// the conversion of the period and of the previous one (<see cref="ConversionAsync"/>). A caller that has the baseline's
    /// conversion already passes it as <c>previous</c> (it moves with the clock only: <see cref="BaselineConversionAsync"/>).
    /// </summary>
    public static async Task<List<FunnelStage>> FunnelAsync(CrmDbContext db, IReadOnlyList<int>? owners, IReadOnlyList<Common.StageInfo> stages,
        PeriodComparison comparison, CancellationToken ct, IReadOnlyDictionary<StageCode, (int Entered, int Progressed)>? previous = null)
    {
        var ended = comparison.Period.ToUtc <= comparison.MeasuredAt;
        var totals = ended
            ? await StageTotalsAsOfAsync(db, owners, comparison.Period, stages, ct)
            : await StageTotalsAsync(db, owners, comparison.Period, ct);
        var conversion = await ConversionAsync(db, owners, comparison.Period, ct);
        var previousConversion = previous ?? await BaselineConversionAsync(db, owners, comparison, ct);
        return [.. stages.Select(s =>
        {
            totals.TryGetValue(s.Code, out var t);
            conversion.TryGetValue(s.Code, out var c);
            previousConversion.TryGetValue(s.Code, out var p);
            return new FunnelStage(s.Code, s.Name, t.Count, t.Premium, t.Weighted, c.Entered, c.Progressed, p.Entered, p.Progressed, comparison.ConversionChange(c, p));
        })];
    }

    /// <summary>Count, premium and weighted premium per stage: open stages as they are now, won and lost as closed in the period.</summary>
    public static async Task<Dictionary<StageCode, (int Count, long Premium, long Weighted)>> StageTotalsAsync(CrmDbContext db,
        IReadOnlyList<int>? owners, ReportingPeriod period, CancellationToken ct)
    {
        var open = await Scoped(db, owners).Open()
            .GroupBy(d => d.Stage)
            .Select(g => new { Stage = g.Key, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks), Weighted = g.Sum(d => d.PremiumKopecks * d.Probability) })
            .ToListAsync(ct);
        var closed = await Scoped(db, owners)
            .Where(d => (d.Stage == StageCode.Won || d.Stage == StageCode.Lost) && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc)
            .GroupBy(d => d.Stage)
            .Select(g => new { Stage = g.Key, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks), Weighted = g.Sum(d => d.PremiumKopecks * d.Probability) })
            .ToListAsync(ct);
        return open.Concat(closed).ToDictionary(x => x.Stage, x => (x.Count, x.Premium, x.Weighted / 100));
    }

    /// <summary>
    /// The totals of a period that has ended: the open stages as they stood at its end (each deal's last move before it;
    /// premium as it is now, weighted by the stage's probability), won and lost as closed in the period.
    /// </summary>
    public static async Task<Dictionary<StageCode, (int Count, long Premium, long Weighted)>> StageTotalsAsOfAsync(CrmDbContext db,
        IReadOnlyList<int>? owners, ReportingPeriod period, IReadOnlyList<Common.StageInfo> stages, CancellationToken ct)
    {
        var end = period.ToUtc;
        var open = await Scoped(db, owners)
            .Where(d => d.CreatedAt < end && (d.ClosedAt == null || d.ClosedAt >= end))
            .Select(d => new
            {
                Stage = db.DealStageChanges.Where(c => c.DealId == d.Id && c.At < end).OrderByDescending(c => c.At).ThenByDescending(c => c.Id)
                    .Select(c => (StageCode?)c.To).FirstOrDefault(),
                d.PremiumKopecks,
            })
            .Where(x => x.Stage != null && x.Stage != StageCode.Won && x.Stage != StageCode.Lost)
            .GroupBy(x => x.Stage!.Value)
            .Select(g => new { Stage = g.Key, Count = g.Count(), Premium = g.Sum(x => x.PremiumKopecks) })
            .ToListAsync(ct);
        var probability = stages.ToDictionary(s => s.Code, s => s.Probability);
        var closed = await StageTotalsAsync(db, owners, period, ct);
        var result = open.ToDictionary(x => x.Stage, x => (x.Count, x.Premium, x.Premium * probability.GetValueOrDefault(x.Stage) / 100));
        foreach (var stage in new[] { StageCode.Won, StageCode.Lost })
            if (closed.TryGetValue(stage, out var c)) result[stage] = c;
        return result;
    }

    /// <summary>
    /// Per open stage: deals that entered it in the period, and how many of them later entered a stage after it
    /// (<see cref="DealStageChange.Progressed"/>, kept by the domain on every move). With <paramref name="measuredAt"/>, only
    /// the moves before it count: a baseline cohort measured at the age of the current one (<see cref="PeriodComparison"/>).
    /// </summary>
    public static async Task<Dictionary<StageCode, (int Entered, int Progressed)>> ConversionAsync(CrmDbContext db,
        IReadOnlyList<int>? owners, ReportingPeriod period, CancellationToken ct, DateTime? measuredAt = null)
    {
        // Only deals that moved since the period began can have entered a stage in it: a deal's StageEnteredAt is the time of its
        // latest entry (Deal.MoveToStage). The scope's few movers lead to their entries through the (DealId, At, To) index,
        // instead of every entry of the period being checked for its owner.
        // (The whole department reads the period's entries directly: most deals are in scope, and the At index covers them.)
        var entries = db.DealStageChanges.AsNoTracking()
            .Where(c => c.At >= period.FromUtc && c.At < period.ToUtc && c.To != StageCode.Won && c.To != StageCode.Lost);
        if (owners is not null)
        {
            var movers = Scoped(db, owners).Where(d => d.StageEnteredAt >= period.FromUtc).Select(d => d.Id);
            entries = entries.Where(c => movers.Contains(c.DealId));
        }
        var rows = await (measuredAt is { } until
                ? entries.Select(c => new
                {
                    c.To, c.DealId,
                    Progressed = db.DealStageChanges.Any(n => n.DealId == c.DealId && n.At > c.At && n.At < until && n.To > c.To && n.To != StageCode.Lost),
                })
                : entries.Select(c => new { c.To, c.DealId, c.Progressed }))
            .GroupBy(x => x.To)
            .Select(g => new
            {
                Stage = g.Key,
                Entered = g.Select(x => x.DealId).Distinct().Count(),
                Progressed = g.Where(x => x.Progressed).Select(x => x.DealId).Distinct().Count(),
            })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Stage, r => (r.Entered, r.Progressed));
    }

    /// <summary>
    /// The conversion of the comparison's baseline, its cohorts measured at the same age as the current ones. A change made now
    /// cannot alter it (only moves made by the baseline's moment count, and that moment is in the past): it moves with the clock.
    /// </summary>
    public static Task<Dictionary<StageCode, (int Entered, int Progressed)>> BaselineConversionAsync(CrmDbContext db,
        IReadOnlyList<int>? owners, PeriodComparison comparison, CancellationToken ct) =>
        ConversionAsync(db, owners, comparison.Baseline, ct, comparison.BaselineMeasuredAt);

    /// <summary>Won premium in the period, Σ premium × probability of open deals expected to close in it, and the plan.</summary>
    public static async Task<ForecastFigure> ForecastAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period,
        CancellationToken ct)
    {
        var deals = Scoped(db, owners);
        var won = await deals.Where(d => d.Stage == StageCode.Won && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc)
            .SumAsync(d => d.PremiumKopecks, ct);
        var weighted = await deals.Open()
            .Where(d => d.ExpectedCloseDate >= period.FirstDateUtc && d.ExpectedCloseDate < period.AfterLastDateUtc)
            .SumAsync(d => d.PremiumKopecks * d.Probability, ct);
        var months = period.Months().Select(m => m.Year * 100 + m.Month).ToList();
        var plans = db.Plans.AsNoTracking().Where(p => months.Contains(p.Year * 100 + p.Month));
        if (owners is not null) plans = plans.Where(p => owners.Contains(p.ManagerId));
        var plan = await plans.SumAsync(p => p.TargetKopecks, ct);
        return new ForecastFigure(period.Kind, period.FirstDay, period.LastDay, won, weighted / 100, plan);
    }

    /// <summary>
    /// Open deals whose days in stage exceed that stage's threshold: one indexed range per stage,
    /// <c>(Stage = s AND StageEnteredAt &lt;= cut-off(s)) OR …</c>. Longest-stuck first.
    /// </summary>
    public static async Task<(List<StuckDeal> Rows, int Total)> StuckAsync(CrmDbContext db, IReadOnlyList<int>? owners,
        IReadOnlyList<StageInfo> stages, DateTime now, int take, CancellationToken ct)
    {
        var stuck = Scoped(db, owners).Where(StuckPredicate(stages, now));
        var total = await stuck.CountAsync(ct);
        var rows = await stuck.OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Take(take)
            .Select(d => new { d.Id, Client = d.Client!.Name, Product = d.Product!.Name, d.OwnerId, Owner = d.Owner!.FullName, d.Stage, d.StageEnteredAt, d.PremiumKopecks })
            .ToListAsync(ct);
        var thresholds = stages.ToDictionary(s => s.Code, s => s.StuckAfterDays);
        return (rows.Select(r => new StuckDeal(r.Id, r.Client, r.Product, r.OwnerId, r.Owner, r.Stage, r.StageEnteredAt,
            PipelineFigures.DaysInStage(r.StageEnteredAt, now), thresholds[r.Stage], r.PremiumKopecks)).ToList(), total);
    }

    /// <summary><c>(Stage = s₁ AND StageEnteredAt &lt;= c₁) OR (Stage = s₂ AND …)</c> over the open stages with a threshold.</summary>
    public static Expression<Func<Deal, bool>> StuckPredicate(IReadOnlyList<StageInfo> stages, DateTime now)
    {
        var d = Expression.Parameter(typeof(Deal), "d");
        Expression? any = null;
        foreach (var stage in stages.Where(s => !s.Code.IsClosed() && s.StuckAfterDays > 0))
        {
            var cut = PipelineFigures.StuckIfEnteredBefore(now, stage.StuckAfterDays);
            Expression<Func<DateTime>> cutValue = () => cut; // a parameter, not a constant: one cached plan
            var term = Expression.AndAlso(
                Expression.Equal(Expression.Property(d, nameof(Deal.Stage)), Expression.Constant(stage.Code)),
                Expression.LessThanOrEqual(Expression.Property(d, nameof(Deal.StageEnteredAt)), cutValue.Body));
            any = any is null ? term : Expression.OrElse(any, term);
        }
        return Expression.Lambda<Func<Deal, bool>>(any ?? Expression.Constant(false), d);
    }

    /// <summary>The quick filters: proposal expiring, no activity, high-risk client; combined with AND.</summary>
    public static IQueryable<Deal> Attention(CrmDbContext db, IReadOnlyList<int>? owners, AttentionFilter filter, DateTime now,
        DateTime todayUtcMidnight, ThresholdOptions thresholds) =>
        Scoped(db, owners).Open().NeedingAttention(filter, now, todayUtcMidnight, thresholds);

    /// <summary>The open deals among <paramref name="deals"/> matching every flag of <paramref name="filter"/>: the dashboard's "need attention" and /deals?attention=.</summary>
    public static IQueryable<Deal> NeedingAttention(this IQueryable<Deal> deals, AttentionFilter filter, DateTime now, DateTime todayUtcMidnight,
        ThresholdOptions thresholds)
    {
        deals = deals.Open();
        if (filter.HasFlag(AttentionFilter.ProposalExpiring))
        {
            var (from, before) = ProposalExpiry.Window(todayUtcMidnight, thresholds.ProposalExpiringDays);
            deals = deals.Where(d => d.Proposal != null && d.Proposal.ValidUntil >= from && d.Proposal.ValidUntil < before);
        }
        if (filter.HasFlag(AttentionFilter.NoActivity))
        {
            var since = now.AddDays(-thresholds.NoActivityDays);
            deals = deals.Where(d => d.LastActivityAt < since || (d.LastActivityAt == null && d.CreatedAt < since));
        }
        if (filter.HasFlag(AttentionFilter.HighRiskClient))
            deals = deals.Where(d => d.Client!.Risk == RiskLevel.High);
        return deals;
    }

    public static async Task<List<AttentionDeal>> AttentionRowsAsync(IQueryable<Deal> deals, int take, CancellationToken ct) =>
        await deals.OrderByDescending(d => d.PremiumKopecks).ThenBy(d => d.Id).Take(take)
            .Select(d => new AttentionDeal(d.Id, d.Client!.Name, d.Product!.Name, d.OwnerId, d.Owner!.FullName, d.Stage, d.PremiumKopecks,
                d.Proposal != null ? d.Proposal.ValidUntil : null, d.LastActivityAt, d.CreatedAt, d.Client.Risk))
            .ToListAsync(ct);

    /// <summary>The team a user's dashboard covers (null: the whole department, the head only), checked without the database.</summary>
    public static int? ScopeTeam(CurrentUser user, int? teamId)
    {
        if (user.SeesEverything) return teamId;
        if (teamId is not null && teamId != user.TeamId) throw new AccessDeniedException("Можно смотреть только свою команду.");
        return user.TeamId ?? throw new AccessDeniedException("Вы не состоите в команде.");
    }

    /// <summary>The team (or the whole department for the head) a dashboard or report covers; a team lead only their own.</summary>
    /// <summary>The teams a leader may pick: the team lead's own, every team for the head and the admin.</summary>
    public static async Task<IReadOnlyList<(int Id, string Name)>> TeamsOfAsync(CrmDbContext db, CurrentUser user, CancellationToken ct)
    {
        var teams = await db.Teams.AsNoTracking().Where(t => user.SeesEverything || t.Id == user.TeamId).OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        return teams.Select(t => (t.Id, t.Name)).ToList();
    }

    public static async Task<DashboardScope> ScopeAsync(CrmDbContext db, CurrentUser user, int? teamId, CancellationToken ct)
    {
        teamId = ScopeTeam(user, teamId);
        if (teamId is null) return new DashboardScope(null, "Все команды", null);
        var team = await db.Teams.AsNoTracking().SingleOrDefaultAsync(t => t.Id == teamId, ct)
                   ?? throw new NotFoundException("Команда не найдена.");
        var owners = await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.Id).ToListAsync(ct);
        return new DashboardScope(team.Id, team.Name, owners);
    }
}
