using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Reports;

/// <summary>
/// The weekly management pack (docs/features.md) for a team (team lead: their own; head: any or all) and a week
/// or month against the one before: plan attainment, funnel dynamics, the five deals most likely to fail and why,
/// loss reasons by product and industry, the weighted forecast, and what the team needs. Aggregates run in SQL; the
/// figures on the page and in the workbook come from this one object.
/// </summary>
public sealed class ReportService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    LookupService lookups, SecurityLog security, Diagnostics.RitualLog rituals)
{
    public const int BurningCount = 5;
    private const int BurningCandidates = 5_000;

    public async Task<ManagementPack> BuildAsync(int? teamId, ReportingPeriod period, CancellationToken ct = default)
    {
        var user = await RequireReaderAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await DashboardQueries.ScopeAsync(db, user, teamId, ct);
        await DashboardService.MarkAsync(rituals, scope, Domain.Diagnostics.RitualKind.Reports, ct);
        return await BuildAsync(db, scope, period, user.FullName, ct);
    }

    /// <summary>The pack of one team for the scheduler (no signed-in user: the schedule is the author).</summary>
    public async Task<ManagementPack> BuildForTeamAsync(int teamId, ReportingPeriod period, string author, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.AsNoTracking().SingleOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Команда не найдена.");
        var owners = await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.Id).ToListAsync(ct);
        return await BuildAsync(db, new DashboardScope(team.Id, team.Name, owners), period, author, ct);
    }

    /// <summary>The archive of scheduled packs the user may see: the team lead their team's, the head every team's.</summary>
    public async Task<IReadOnlyList<ArchivedPack>> ArchiveAsync(CancellationToken ct = default)
    {
        var user = await RequireReaderAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ReportArchive.AsNoTracking().Where(r => user.SeesEverything || r.TeamId == user.TeamId)
            .OrderByDescending(r => r.PeriodStart).ThenBy(r => r.TeamId).Take(100)
            .Join(db.Teams, r => r.TeamId, t => t.Id, (r, t) => new ArchivedPack(r.Id, t.Name, r.PeriodStart, r.PeriodEnd, r.CreatedAt, r.MailedAt, r.FileName))
            .ToListAsync(ct);
    }

    /// <summary>One archived workbook, if the user may see its team.</summary>
    public async Task<(string FileName, byte[] Content)> ArchivedFileAsync(int id, CancellationToken ct = default)
    {
        var user = await RequireReaderAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var entry = await db.ReportArchive.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Отчёт не найден.");
        if (!user.SeesEverything && entry.TeamId != user.TeamId)
        {
            await security.AccessDeniedAsync(user.Actor, "ReportArchive", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "download", ct);
            throw new AccessDeniedException("Это отчёт другой команды.");
        }
        return (entry.FileName, entry.Content);
    }

    private Task<CurrentUser> RequireReaderAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Reports", "open",
        "Отчёты для планёрки доступны старшему менеджеру и начальнику отдела.", ct);

    /// <summary>The pack for a scope already decided.</summary>
    internal async Task<ManagementPack> BuildAsync(CrmDbContext db, DashboardScope scope, ReportingPeriod period, string author, CancellationToken ct)
    {
        var zone = options.TimeZone;
        var now = time.GetUtcNow().UtcDateTime;
        var comparison = PeriodComparison.Of(period, now, zone);
        var previous = comparison.Baseline;
        var month = ReportingPeriod.Month(period.LastDay.Year, period.LastDay.Month, zone);
        var stages = await lookups.StagesAsync(ct);
        var owners = scope.OwnerIds;

        var funnel = await DashboardQueries.FunnelAsync(db, owners, stages, comparison, ct);

        return new ManagementPack
        {
            Scope = scope,
            Period = period,
            Comparison = comparison,
            Month = month,
            Author = author,
            GeneratedAt = now,
            Plan = await PlanAsync(db, owners, period, previous, month, ct),
            Funnel = funnel,
            Burning = await BurningAsync(db, owners, stages, now, ct),
            LossesByProduct = await LossesAsync(db, owners, period, byIndustry: false, ct),
            LossesByIndustry = await LossesAsync(db, owners, period, byIndustry: true, ct),
            MonthForecast = await DashboardQueries.ForecastAsync(db, owners, ReportingPeriod.Containing(PeriodKind.Month, now, zone), ct),
            QuarterForecast = await DashboardQueries.ForecastAsync(db, owners, ReportingPeriod.Containing(PeriodKind.Quarter, now, zone), ct),
            Team = await TeamAsync(db, owners, period, previous, ct),
            DiscountsAboveTeamLead = await DiscountsAsync(db, owners, period, ct),
            Proposals = await ProposalsAsync(db, owners, period, ct),
        };
    }

    /// <summary>The proposal documents sent in the period by the scope's sellers (the deal's owner), from the records of the sending.</summary>
    private static async Task<List<ProposalRow>> ProposalsAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period, CancellationToken ct)
    {
        var sent = await (from p in db.ProposalDocuments.AsNoTracking()
                          join d in db.Deals on p.DealId equals d.Id
                          where p.SentAt >= period.FromUtc && p.SentAt < period.ToUtc && (owners == null || owners.Contains(d.OwnerId))
                          select new { d.OwnerId, SentAt = p.SentAt!.Value, p.FirstOpenedAt, Won = d.Stage == StageCode.Won }).ToListAsync(ct);
        var ids = sent.Select(s => s.OwnerId).Distinct().ToList();
        var names = await db.Managers.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        return [.. sent.GroupBy(s => s.OwnerId).Select(g =>
        {
            var hours = g.Where(s => s.FirstOpenedAt is not null).Select(s => (s.FirstOpenedAt!.Value - s.SentAt).TotalHours).Order().ToList();
            double? median = hours.Count == 0 ? null : hours.Count % 2 == 1 ? hours[hours.Count / 2] : (hours[hours.Count / 2 - 1] + hours[hours.Count / 2]) / 2;
            return new ProposalRow(g.Key, names.GetValueOrDefault(g.Key) ?? "—", g.Count(), hours.Count, median, g.Count(s => s.Won));
        }).OrderByDescending(r => r.Sent).ThenBy(r => r.Name)];
    }

    private static IQueryable<Manager> Sellers(CrmDbContext db, IReadOnlyList<int>? owners) =>
        db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead)
                                              && (owners == null || owners.Contains(m.Id)));

    private static async Task<List<PlanRow>> PlanAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period, ReportingPeriod previous,
        ReportingPeriod month, CancellationToken ct)
    {
        var sellers = await Sellers(db, owners).OrderBy(m => m.FullName).Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        var ids = sellers.Select(s => s.Id).ToList();
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.ManagerId) && p.Year == month.FirstDay.Year && p.Month == month.FirstDay.Month)
            .ToDictionaryAsync(p => p.ManagerId, p => p.TargetKopecks, ct);
        async Task<Dictionary<int, long>> WonAsync(ReportingPeriod p) =>
            await db.Deals.AsNoTracking().Where(d => ids.Contains(d.OwnerId) && d.Stage == StageCode.Won && d.ClosedAt >= p.FromUtc && d.ClosedAt < p.ToUtc)
                .GroupBy(d => d.OwnerId).Select(g => new { g.Key, Sum = g.Sum(d => d.PremiumKopecks) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
        var wonMonth = await WonAsync(month);
        var wonPeriod = await WonAsync(period);
        var wonPrevious = await WonAsync(previous);
        return sellers.Where(s => plans.ContainsKey(s.Id) || wonMonth.ContainsKey(s.Id) || wonPeriod.ContainsKey(s.Id))
            .Select(s => new PlanRow(s.Id, s.FullName, plans.GetValueOrDefault(s.Id), wonMonth.GetValueOrDefault(s.Id), wonPeriod.GetValueOrDefault(s.Id),
                wonPrevious.GetValueOrDefault(s.Id))).ToList();
    }

    /// <summary>
    /// The candidates are the open deals with at least one risk signal, the largest first (a team lead fights for the
    /// big ones); each is scored by <see cref="DealRisk"/> and the five highest are kept, ties by premium.
    /// </summary>
    private async Task<List<BurningDeal>> BurningAsync(CrmDbContext db, IReadOnlyList<int>? owners, IReadOnlyList<StageInfo> stages, DateTime now,
        CancellationToken ct)
    {
        var today = options.Today(now);
        var silentSince = now.AddDays(-DealRisk.NoActivityDays);
        var expiringBy = ProposalExpiry.Window(today, DealRisk.ProposalExpiringDays).Before; // lapsed or expiring, as the risk score counts
        var stuck = DashboardQueries.StuckPredicate(stages, now);
        var open = db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost && (owners == null || owners.Contains(d.OwnerId)));
        var flaggedIds = open.Where(stuck).Select(d => d.Id)
            .Union(open.Where(d => d.LastActivityAt == null || d.LastActivityAt < silentSince).Select(d => d.Id))
            .Union(open.Where(d => d.Proposal != null && d.Proposal.ValidUntil < expiringBy).Select(d => d.Id))
            .Union(open.Where(d => d.ExpectedCloseDate < today).Select(d => d.Id))
            .Union(open.Where(d => d.Client!.Risk == RiskLevel.High).Select(d => d.Id));
        var flagged = open.Where(d => flaggedIds.Contains(d.Id));
        var candidates = await flagged.OrderByDescending(d => d.PremiumKopecks).Take(BurningCandidates)
            .Select(d => new
            {
                d.Id, Client = d.Client!.Name, Product = d.Product!.Name, Owner = d.Owner!.FullName, d.Stage, d.PremiumKopecks, d.StageEnteredAt,
                d.LastActivityAt, ValidUntil = d.Proposal == null ? (DateTime?)null : d.Proposal.ValidUntil, d.ExpectedCloseDate, ClientRisk = d.Client!.Risk,
            }).ToListAsync(ct);
        var threshold = stages.ToDictionary(s => s.Code, s => s.StuckAfterDays);
        return candidates.Select(c =>
            {
                var days = (int)Math.Floor((now - c.StageEnteredAt).TotalDays);
                var risk = DealRisk.Score(new DealRiskInput(days, threshold.GetValueOrDefault(c.Stage), c.LastActivityAt is { } a ? (int)Math.Floor((now - a).TotalDays) : null,
                    c.ValidUntil is { } v ? (int)(v.Date - today).TotalDays : null, c.ClientRisk, (int)(today - c.ExpectedCloseDate.Date).TotalDays));
                return new BurningDeal(c.Id, c.Client, c.Product, c.Owner, c.Stage, c.PremiumKopecks, risk.Score, risk.Reasons, days, c.ExpectedCloseDate);
            })
            // The SQL filter is coarser than the policy (silent since an instant vs. whole days past the threshold): a
            // candidate the policy finds no reason in is not burning.
            .Where(b => b.Reasons.Count > 0)
            .OrderByDescending(b => b.Score).ThenByDescending(b => b.PremiumKopecks).ThenBy(b => b.DealId).Take(BurningCount).ToList();
    }

    private static async Task<List<LossRow>> LossesAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period, bool byIndustry,
        CancellationToken ct)
    {
        var lost = db.Deals.AsNoTracking().Where(d => d.Stage == StageCode.Lost && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc
                                                      && d.LossReason != null && (owners == null || owners.Contains(d.OwnerId)));
        var rows = byIndustry
            ? await lost.GroupBy(d => new { Group = d.Client!.Industry, Reason = d.LossReason!.Value })
                .Select(g => new { g.Key.Group, g.Key.Reason, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks) }).ToListAsync(ct)
            : await lost.GroupBy(d => new { Group = d.Product!.Name, Reason = d.LossReason!.Value })
                .Select(g => new { g.Key.Group, g.Key.Reason, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks) }).ToListAsync(ct);
        return rows.Select(r => new LossRow(r.Group, r.Reason, r.Count, r.Premium))
            .OrderBy(r => r.Group).ThenByDescending(r => r.Count).ThenBy(r => r.Reason).ToList();
    }

    private static async Task<List<TeamNeedRow>> TeamAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period, ReportingPeriod previous,
        CancellationToken ct)
    {
        var sellers = await Sellers(db, owners).Where(m => m.Role == StaffRole.Manager).OrderBy(m => m.FullName)
            .Select(m => new { m.Id, m.FullName, m.Capacity }).ToListAsync(ct);
        var ids = sellers.Select(s => s.Id).ToList();
        var openDeals = await db.Deals.AsNoTracking().Where(d => ids.Contains(d.OwnerId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .GroupBy(d => d.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var leads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && ids.Contains(l.AssigneeId.Value))
            .GroupBy(l => l.AssigneeId!.Value)
            .Select(g => new
            {
                g.Key,
                Open = g.Count(l => l.Status == LeadStatus.New || l.Status == LeadStatus.InWork),
                New = g.Count(l => l.AssignedAt >= period.FromUtc && l.AssignedAt < period.ToUtc),
            }).ToDictionaryAsync(x => x.Key, ct);
        async Task<Dictionary<(int Owner, StageCode Stage), int>> ClosedAsync(ReportingPeriod p) =>
            await db.Deals.AsNoTracking().Where(d => ids.Contains(d.OwnerId) && (d.Stage == StageCode.Won || d.Stage == StageCode.Lost)
                                                     && d.ClosedAt >= p.FromUtc && d.ClosedAt < p.ToUtc)
                .GroupBy(d => new { d.OwnerId, d.Stage }).Select(g => new { g.Key.OwnerId, g.Key.Stage, Count = g.Count() })
                .ToDictionaryAsync(x => (x.OwnerId, x.Stage), x => x.Count, ct);
        var closed = await ClosedAsync(period);
        var before = await ClosedAsync(previous);
        return sellers.Select(s =>
        {
            leads.TryGetValue(s.Id, out var l);
            return new TeamNeedRow(s.Id, s.FullName, l?.Open ?? 0, openDeals.GetValueOrDefault(s.Id), s.Capacity, l?.New ?? 0,
                closed.GetValueOrDefault((s.Id, StageCode.Won)), closed.GetValueOrDefault((s.Id, StageCode.Lost)),
                before.GetValueOrDefault((s.Id, StageCode.Won)), before.GetValueOrDefault((s.Id, StageCode.Lost)));
        }).ToList();
    }

    private static async Task<List<DiscountRequestRow>> DiscountsAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period,
        CancellationToken ct)
    {
        var rows = await (from a in db.ApprovalRequests.AsNoTracking()
                          join d in db.Deals on a.DealId equals d.Id
                          join c in db.Clients on d.ClientId equals c.Id
                          join m in db.Managers on a.RequesterId equals m.Id
                          where a.Route != ApprovalRoute.TeamLead && a.CreatedAt >= period.FromUtc && a.CreatedAt < period.ToUtc
                                && (owners == null || owners.Contains(d.OwnerId))
                          orderby a.CreatedAt descending
                          select new { a.Id, a.DealId, c.Name, m.FullName, a.BasePremiumKopecks, a.RequestedPremiumKopecks, a.Route, a.State, a.CreatedAt })
            .Take(200).ToListAsync(ct);
        return rows.Select(r => new DiscountRequestRow(r.Id, r.DealId, r.Name, r.FullName,
            AuthorityMatrix.DiscountPercent(new Money(r.BasePremiumKopecks), new Money(r.RequestedPremiumKopecks)), r.RequestedPremiumKopecks, r.Route,
            r.State, r.CreatedAt)).ToList();
    }
}
