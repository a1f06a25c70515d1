using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Dashboard;

/// <summary>
/// The team dashboard: a team lead sees the own team, the head any team or the whole department;
/// nobody else. The figures come from <see cref="DashboardQueries"/>; the one-click actions
/// ("revive", "join") are checked and audited like every other change.
/// </summary>
public sealed class DashboardService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time,
    CrmOptions options, LookupService lookups, SecurityLog security, Diagnostics.RitualLog rituals, ISharedResults shared)
{
    public const int ListSize = 50;

    /// <summary>The scopes the user may pick: a team lead only the own team; the head every team and "all".</summary>
    public async Task<IReadOnlyList<TeamOption>> ScopesAsync(CancellationToken ct = default)
    {
        var user = await RequireDashboardUserAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamOption(t.Id, t.Name)).ToListAsync(ct);
        return user.SeesEverything ? [new TeamOption(null, "Все команды"), .. teams] : teams.Where(t => t.Id == user.TeamId).ToList();
    }

    /// <summary>
    /// The dashboard of a scope and period. Access is checked for each viewer; the figures are computed once per scope,
    /// period and filter and shared by all its viewers until a change of the scope's deals (<see cref="ISharedResults"/>).
    /// </summary>
    public async Task<DashboardData> LoadAsync(int? teamId, ReportingPeriod period, AttentionFilter filter, CancellationToken ct = default)
    {
        var user = await RequireDashboardUserAsync(ct);
        var scope = await ScopeAsync(user, DashboardQueries.ScopeTeam(user, teamId), ct);
        await MarkAsync(rituals, scope, Domain.Diagnostics.RitualKind.Dashboard, ct);
        return await FiguresAsync(user, scope, period, filter, ct);
    }

    /// <summary>How long the baseline's conversion is reused: it moves with the clock alone, a few minutes are nothing in a month.</summary>
    public static readonly TimeSpan BaselineAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long figures are kept when no change of their deals comes: what moves with the clock alone (a deal turning stuck,
    /// a week without activity) shows within this time. The page says as of when its figures are.
    /// </summary>
    public static readonly TimeSpan ClockAge = TimeSpan.FromMinutes(5);

    private Task<DashboardScope> ScopeAsync(CurrentUser user, int? team, CancellationToken ct) =>
        shared.GetAsync($"scope:{team}", SharedScope.Settings, async c =>
        {
            await using var db = await factory.CreateDbContextAsync(c);
            return await DashboardQueries.ScopeAsync(db, user, team, c);
        }, ct);

    private static string KeyOf(DashboardScope scope) =>
        scope.TeamId is { } team ? $"t{team}" : scope.OwnerIds is null ? "all" : scope.OwnerIds is [var one] && scope.Name.Length == 0 ? $"o{one}" : "none";

    /// <summary>
    /// The figures of a scope, shared by its viewers until a change of its deals. Only one manager's figures are queried; a
    /// team's are its members' added up, the department's its teams' and those of the staff outside any team. Each deal has
    /// one owner, so the parts do not overlap (<see cref="DashboardData.Combine"/>): a change recomputes its owner's figures
    /// and adds up the rest as they are — one computation per change, whatever the number of viewers and scopes above it.
    /// </summary>
    private Task<DashboardData> FiguresAsync(CurrentUser user, DashboardScope scope, ReportingPeriod period, AttentionFilter filter, CancellationToken ct) =>
        scope.OwnerIds is [var one] && scope.Name.Length == 0
            ? OwnerFiguresAsync(one, period, filter, ct)
            : shared.GetAsync($"dashboard:{KeyOf(scope)}:{period.FromUtc.Ticks}:{period.ToUtc.Ticks}:{(int)filter}", new SharedScope(scope.OwnerIds, MaxAge: ClockAge),
                c => scope.OwnerIds switch
                {
                    null => DepartmentAsync(user, scope, period, filter, c),
                    [] => ComputeAsync(scope, period, filter, c),
                    var owners => CombineAsync(user, scope, owners.Select(o => new DashboardScope(null, "", [o])), period, filter, c),
                }, ct);

    /// <summary>
    /// One manager's figures, the part every scope above is added up from (the team and department dashboards, the TV
    /// boards): read once, then kept and following the manager's changes (<see cref="Follow"/>) until <see cref="ClockAge"/>.
    /// The caller has checked access.
    /// </summary>
    internal Task<DashboardData> OwnerFiguresAsync(int ownerId, ReportingPeriod period, AttentionFilter filter, CancellationToken ct)
    {
        var scope = new DashboardScope(null, "", [ownerId]);
        return shared.GetAsync($"dashboard:{KeyOf(scope)}:{period.FromUtc.Ticks}:{period.ToUtc.Ticks}:{(int)filter}",
            new SharedScope(scope.OwnerIds, MaxAge: ClockAge, Follow: change => Follow(change, filter)), c => ComputeAsync(scope, period, filter, c), ct);
    }

    private async Task<DashboardData> DepartmentAsync(CurrentUser user, DashboardScope scope, ReportingPeriod period, AttentionFilter filter, CancellationToken ct)
    {
        var (teams, outside) = await shared.GetAsync("department:teams", SharedScope.Settings, async c =>
        {
            await using var db = await factory.CreateDbContextAsync(c);
            var ids = await db.Teams.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(c);
            var noTeam = await db.Managers.AsNoTracking().Where(m => m.TeamId == null).Select(m => m.Id).ToListAsync(c);
            return (ids, noTeam);
        }, ct);
        var scopes = new List<DashboardScope>();
        foreach (var team in teams) scopes.Add(await ScopeAsync(user, team, ct));
        if (outside.Count > 0) scopes.Add(new DashboardScope(null, scope.Name, outside));
        return await CombineAsync(user, scope, scopes, period, filter, ct);
    }

    private async Task<DashboardData> CombineAsync(CurrentUser user, DashboardScope scope, IEnumerable<DashboardScope> parts, ReportingPeriod period,
        AttentionFilter filter, CancellationToken ct)
    {
        var figures = await Task.WhenAll(parts.Select(part => FiguresAsync(user, part, period, filter, ct)));
        return DashboardData.Combine(scope, period, PeriodComparison.Of(period, time.GetUtcNow().UtcDateTime, options.TimeZone), figures, ListSize);
    }

    /// <summary>
    /// How one manager's figures follow a change instead of being read again (decision 0017). A task's change alters none of
    /// them. A move between two open stages alters the funnel's totals and the forecasts, which are read again (one index range
    /// of the manager each), and the conversion and the stuck list, which follow the move itself; the attention counts stay. Any
    /// other change, a move that closes a deal, an attention list shown, or a period that has ended: read again.
    /// </summary>
    private FollowStep? Follow(SharedChange change, AttentionFilter filter) => change switch
    {
        { Kind: nameof(TaskChanged) } => (before, _) => Task.FromResult(before),
        { Move: { BetweenOpenStages: true } move } when filter == AttentionFilter.None =>
            async (before, ct) => await FollowMoveAsync((DashboardData)before, move, ct),
        _ => null,
    };

    private async Task<DashboardData> FollowMoveAsync(DashboardData before, DealMove move, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var period = before.Period;
        if (period.ToUtc <= now) return await ComputeAsync(before.Scope, period, AttentionFilter.None, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var owners = before.Scope.OwnerIds;
        var stages = await lookups.StagesAsync(ct);
        var totals = await DashboardQueries.StageTotalsAsync(db, owners, period, ct);
        var conversion = move.ConversionChange(period);
        var funnel = before.Funnel.Select(stage =>
        {
            totals.TryGetValue(stage.Stage, out var t);
            conversion.TryGetValue(stage.Stage, out var c);
            var (entered, progressed) = (stage.Entered + c.Entered, stage.Progressed + c.Progressed);
            return stage with
            {
                Count = t.Count, PremiumKopecks = t.Premium, WeightedKopecks = t.Weighted, Entered = entered, Progressed = progressed,
                ChangePoints = before.Comparison.ConversionChange((entered, progressed), (stage.PreviousEntered, stage.PreviousProgressed)),
            };
        }).ToList();
        var month = await DashboardQueries.ForecastAsync(db, owners, ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone), ct);
        var quarter = await DashboardQueries.ForecastAsync(db, owners, ReportingPeriod.Containing(PeriodKind.Quarter, now, options.TimeZone), ct);

        // Stuck as of the figures' time: the deal left the list and the count if it was stuck then; after a move it is not.
        var (stuck, stuckTotal) = (before.Stuck, before.StuckTotal);
        var threshold = stages.FirstOrDefault(s => s.Code == move.From)?.StuckAfterDays ?? 0;
        if (PipelineFigures.IsStuck(move.From, move.FromEnteredAt, threshold, before.ComputedAt))
        {
            stuckTotal--;
            if (stuck.Any(d => d.DealId == move.DealId))
                (stuck, stuckTotal) = stuck.Count >= ListSize && stuckTotal >= ListSize
                    ? await DashboardQueries.StuckAsync(db, owners, stages, before.ComputedAt, ListSize, ct) // the next one moves up
                    : ([.. stuck.Where(d => d.DealId != move.DealId)], stuckTotal);
        }
        return before with { Funnel = funnel, MonthForecast = month, QuarterForecast = quarter, Stuck = stuck, StuckTotal = stuckTotal };
    }

    private async Task<DashboardData> ComputeAsync(DashboardScope scope, ReportingPeriod period, AttentionFilter filter, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var zone = options.TimeZone;
        var comparison = PeriodComparison.Of(period, now, zone);
        var stages = await lookups.StagesAsync(ct);

        var previous = await shared.GetAsync($"baseline:{KeyOf(scope)}:{period.FromUtc.Ticks}:{period.ToUtc.Ticks}", new SharedScope(null, SettingsOnly: true, MaxAge: BaselineAge),
            async c =>
            {
                await using var baselineDb = await factory.CreateDbContextAsync(c);
                return await DashboardQueries.BaselineConversionAsync(baselineDb, scope.OwnerIds, comparison, c);
            }, ct);
        var funnel = await DashboardQueries.FunnelAsync(db, scope.OwnerIds, stages, comparison, ct, previous);

        var month = await DashboardQueries.ForecastAsync(db, scope.OwnerIds, ReportingPeriod.Containing(PeriodKind.Month, now, zone), ct);
        var quarter = await DashboardQueries.ForecastAsync(db, scope.OwnerIds, ReportingPeriod.Containing(PeriodKind.Quarter, now, zone), ct);
        var (stuck, stuckTotal) = await DashboardQueries.StuckAsync(db, scope.OwnerIds, stages, now, ListSize, ct);

        var today = options.Today(now);
        var counts = new Dictionary<AttentionFilter, int>();
        foreach (var single in new[] { AttentionFilter.ProposalExpiring, AttentionFilter.NoActivity, AttentionFilter.HighRiskClient })
            counts[single] = await DashboardQueries.Attention(db, scope.OwnerIds, single, now, today, options.Thresholds).CountAsync(ct);
        var attention = DashboardQueries.Attention(db, scope.OwnerIds, filter, now, today, options.Thresholds);
        var (rows, total) = filter == AttentionFilter.None
            ? ([], 0)
            : (await DashboardQueries.AttentionRowsAsync(attention, ListSize, ct), await attention.CountAsync(ct));

        return new DashboardData
        {
            Scope = scope,
            Period = period,
            Comparison = comparison,
            Funnel = funnel,
            MonthForecast = month,
            QuarterForecast = quarter,
            Stuck = stuck,
            StuckTotal = stuckTotal,
            AttentionCounts = counts,
            Attention = rows,
            AttentionTotal = total,
            ComputedAt = now,
        };
    }

    /// <summary>One click: a "revive" task for the deal's owner, with a due date and a comment; the owner is notified.</summary>
    public async Task ReviveAsync(int dealId, DateTime dueAt, string? comment, CancellationToken ct = default)
    {
        var user = await RequireDashboardUserAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await LoadDealForActionAsync(db, user, dealId, "revive", ct);
        var now = time.GetUtcNow().UtcDateTime;
        var title = $"Реанимировать сделку № {deal.Id}";
        db.Tasks.Add(new TaskItem(TaskKind.ReviveDeal, title, deal.OwnerId, user.ManagerId, dueAt, deal.Id, deal.ClientId, comment, now));
        if (deal.OwnerId != user.ManagerId)
            db.Notifications.Add(new Notification(deal.OwnerId, NotificationKind.Task, title,
                $"{user.FullName}: {comment ?? "нужен план действий по сделке"}", $"/deals/{deal.Id}", null, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>One click: the team lead joins the deal as a participant and gets a task to take part.</summary>
    public async Task JoinAsync(int dealId, DateTime dueAt, CancellationToken ct = default)
    {
        var user = await RequireDashboardUserAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await LoadDealForActionAsync(db, user, dealId, "join", ct);
        var now = time.GetUtcNow().UtcDateTime;
        deal.Join(user.ManagerId, now);
        db.Tasks.Add(new TaskItem(TaskKind.FollowUp, $"Подключиться к сделке № {deal.Id}", user.ManagerId, user.ManagerId, dueAt,
            deal.Id, deal.ClientId, "Подключение к переговорам с дашборда", now));
        db.Notifications.Add(new Notification(deal.OwnerId, NotificationKind.Escalation, $"{user.FullName} подключается к сделке № {deal.Id}",
            null, $"/deals/{deal.Id}", null, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The leader looked at the team's figures (block 6 of the diagnostics counts it).</summary>
    internal static Task MarkAsync(Diagnostics.RitualLog rituals, DashboardScope scope, Domain.Diagnostics.RitualKind kind, CancellationToken ct) =>
        scope.TeamId is { } team ? rituals.MarkAsync(team, kind, ct) : rituals.MarkAllAsync(kind, ct);

    private async Task<Deal> LoadDealForActionAsync(CrmDbContext db, CurrentUser user, int dealId, string what, CancellationToken ct)
    {
        await RecordGuard.EnsureVisibleAsync(db.Deals.VisibleTo(user, db), db.Deals, d => d.Id == dealId, security, user, nameof(Deal),
            dealId, what, "Эта сделка не из вашей команды.", "Сделка не найдена.", ct);
        var deal = await db.Deals.Include(d => d.Participants).SingleAsync(d => d.Id == dealId, ct);
        if (deal.IsClosed) throw new DomainException("Сделка уже закрыта.");
        return deal;
    }

    private Task<CurrentUser> RequireDashboardUserAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Dashboard", "open",
        "Дашборд команды доступен старшему менеджеру и начальнику отдела.", ct);

}
