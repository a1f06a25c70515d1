using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Dashboard;

/// <summary>What a valid board token opens: one team (or the department when <see cref="TeamId"/> is null).</summary>
public sealed record BoardAccess(int TokenId, string Name, int? TeamId, string ScopeName, IReadOnlyList<int>? OwnerIds);

public sealed record LeaderRow(int ManagerId, string Name, long WonKopecks, long PlanKopecks, int WonDeals)
{
    public double? Attainment => PlanKopecks == 0 ? null : (double)WonKopecks / PlanKopecks;
}

public sealed record AssignmentRow(DateTime At, string Subject, string ToManager, string Reason, string? Rule);

public sealed record PendingApprovalRow(int ApprovalId, int DealId, string ClientName, string Requester, decimal DiscountPercent,
    long RequestedKopecks, ApprovalLevel Level, DateTime Since);

/// <summary>Everything the office TV board shows.</summary>
public sealed record BoardData(
    BoardAccess Access,
    ReportingPeriod Month,
    IReadOnlyList<LeaderRow> Leaders,
    IReadOnlyList<FunnelStage> Funnel,
    IReadOnlyList<StuckDeal> Stuck,
    int StuckTotal,
    IReadOnlyList<AssignmentRow> Assignments,
    IReadOnlyList<PendingApprovalRow> Approvals,
    ForecastFigure Forecast,
    DateTime ComputedAt,
    int ApprovalsTotal = 0);

/// <summary>
/// The office TV board, opened by a secret token instead of a sign-in. Read-only; every load checks the
/// token again, so revoking it empties the screen at the next refresh.
/// </summary>
public sealed class BoardService(IProviderContextFactory contexts, TimeProvider time, CrmOptions options, ISharedResults shared,
    DashboardService dashboards)
{
    /// <summary>The access a token grants, or null for a missing, unknown or revoked token.</summary>
    public async Task<BoardAccess?> ValidateAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200) return null;
        var hash = BoardToken.Hash(token);
        await using var db = contexts.Create();
        var row = await db.BoardTokens.SingleOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null, ct);
        if (row is null) return null;
        var now = time.GetUtcNow().UtcDateTime;
        if (row.LastSeenAt is null || now - row.LastSeenAt > TimeSpan.FromMinutes(5))
        {
            row.Seen(now);
            db.BulkLoad = true; // a heartbeat, not a business change
            await db.SaveChangesAsync(ct);
        }
        if (row.TeamId is not { } teamId) return new BoardAccess(row.Id, row.Name, null, "Все команды", null);
        var team = await db.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => t.Name).SingleAsync(ct);
        var owners = await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.Id).ToListAsync(ct);
        return new BoardAccess(row.Id, row.Name, teamId, team, owners);
    }

    /// <summary>
    /// The board's figures, computed once for all the screens showing the same scope (whatever their token) until one of
    /// its deals, a lead or an approval changes (<see cref="ISharedResults"/>); each screen gets them with its own access.
    /// </summary>
    public async Task<BoardData> LoadAsync(BoardAccess access, CancellationToken ct = default) =>
        (await shared.GetAsync($"board:{access.TeamId}", new SharedScope(access.OwnerIds, Also: ["leads", "approvals"]),
            c => ComputeAsync(access, c), ct)) with { Access = access };

    /// <summary>
    /// The leaderboard, funnel, stuck list and forecast of the month are the dashboard's figures of each manager of the scope
    /// added up (<see cref="DashboardService.OwnerFiguresAsync"/>, shared with the dashboards and following each change); the
    /// latest assignments and the pending approvals are read apart, when a lead or an approval changes.
    /// </summary>
    private async Task<BoardData> ComputeAsync(BoardAccess access, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone);
        var (stages, staff) = await shared.GetAsync($"board:people:{access.TeamId}", SharedScope.Settings, async c =>
        {
            await using var db = contexts.Create();
            var stageList = await db.Stages.AsNoTracking().OrderBy(s => s.Order).Select(s => new { s.Code, s.Name }).ToListAsync(c);
            var managers = db.Managers.AsNoTracking();
            if (access.OwnerIds is { } members) managers = managers.Where(m => members.Contains(m.Id));
            var people = await managers.Select(m => new BoardPerson(m.Id, m.FullName, m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead)))
                .ToListAsync(c);
            return (stageList.Select(s => (s.Code, s.Name)).ToList(), people);
        }, ct);
        var parts = (await Task.WhenAll(staff.Select(async p => (Person: p, Figures: await dashboards.OwnerFiguresAsync(p.Id, month, AttentionFilter.None, ct)))))
            .ToList();

        FunnelStage Cell(DashboardData figures, StageCode stage) => figures.Funnel.Single(s => s.Stage == stage);
        var leaders = parts.Where(p => p.Person.Sells)
            .Select(p => new LeaderRow(p.Person.Id, p.Person.Name, Cell(p.Figures, StageCode.Won).PremiumKopecks, p.Figures.MonthForecast.PlanKopecks,
                Cell(p.Figures, StageCode.Won).Count))
            .Where(r => r.PlanKopecks > 0 || r.WonKopecks > 0)
            .OrderByDescending(r => r.Attainment ?? 0).ThenByDescending(r => r.WonKopecks).ToList();
        var funnel = stages.Select(s => new FunnelStage(s.Code, s.Name, parts.Sum(p => Cell(p.Figures, s.Code).Count),
            parts.Sum(p => Cell(p.Figures, s.Code).PremiumKopecks), parts.Sum(p => Cell(p.Figures, s.Code).WeightedKopecks), 0, 0, 0, 0, null)).ToList();
        var stuck = parts.SelectMany(p => p.Figures.Stuck).OrderBy(d => d.StageEnteredAt).ThenBy(d => d.DealId).Take(12).ToList();
        var forecast = new ForecastFigure(PeriodKind.Month, month.FirstDay, month.LastDay, parts.Sum(p => p.Figures.MonthForecast.WonKopecks),
            parts.Sum(p => p.Figures.MonthForecast.WeightedOpenKopecks), parts.Sum(p => p.Figures.MonthForecast.PlanKopecks));

        var assignments = await shared.GetAsync($"board:assignments:{access.TeamId}", new SharedScope(null, SettingsOnly: true, Also: ["leads"]),
            c => AssignmentsAsync(access.OwnerIds, c), ct);
        // A move or a task changes no approval: they are read again when an approval changes, or a deal changes otherwise.
        var (approvals, approvalsTotal) = await shared.GetAsync($"board:approvals:{access.TeamId}",
            new SharedScope(access.OwnerIds, Also: ["approvals"], Follow: change => change.Move is not null || change.Kind == nameof(Domain.Tasks.TaskChanged)
                ? (before, _) => Task.FromResult(before)
                : null),
            c => ApprovalsAsync(access.OwnerIds, c), ct);
        var computedAt = parts.Count == 0 ? now : parts.Min(p => p.Figures.ComputedAt);
        return new BoardData(access, month, leaders, funnel, stuck, parts.Sum(p => p.Figures.StuckTotal), assignments, approvals, forecast, computedAt,
            approvalsTotal);
    }

    private sealed record BoardPerson(int Id, string Name, bool Sells);

    private async Task<List<AssignmentRow>> AssignmentsAsync(IReadOnlyList<int>? owners, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var assignments = db.Assignments.AsNoTracking().Where(a => a.LeadId != null);
        if (owners is not null) assignments = assignments.Where(a => owners.Contains(a.ToManagerId));
        var latest = await assignments.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(10)
            .Join(db.Managers, a => a.ToManagerId, m => m.Id, (a, m) => new { a.At, a.LeadId, To = m.FullName, a.Reason, a.Rule })
            .ToListAsync(ct);
        var leadIds = latest.Select(a => a.LeadId!.Value).ToList();
        var leadNames = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id))
            .Select(l => new { l.Id, Name = l.CompanyName ?? l.ContactName ?? l.Phone ?? l.Email ?? "" }).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        return latest.Select(a => new AssignmentRow(a.At, leadNames.GetValueOrDefault(a.LeadId!.Value, ""), a.To, a.Reason.Russian(), a.Rule)).ToList();
    }

    private async Task<(List<PendingApprovalRow> Rows, int Total)> ApprovalsAsync(IReadOnlyList<int>? owners, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var pending = db.ApprovalRequests.AsNoTracking().Where(r => r.State == ApprovalRequestState.Pending);
        // A team's requests are found from its deals that wait for an approval (a pending request keeps its deal pending,
        // Deal.ApprovalState), through the (OwnerId, ApprovalState) index: not by checking every pending request of the company.
        if (owners is not null)
            pending = db.Deals.AsNoTracking().Where(d => owners.Contains(d.OwnerId) && d.ApprovalState == ApprovalState.Pending)
                .Join(pending, d => d.Id, r => r.DealId, (d, r) => r);
        var total = await pending.CountAsync(ct);
        // The longest waiting at their current level first: the age the board shows.
        var rows = (await pending.OrderBy(r => r.LevelSince).ThenBy(r => r.Id).Take(10)
                .Select(r => new
                {
                    r.Id, r.DealId, Client = db.Deals.Where(d => d.Id == r.DealId).Select(d => d.Client!.Name).First(),
                    Requester = db.Managers.Where(m => m.Id == r.RequesterId).Select(m => m.FullName).First(),
                    r.BasePremiumKopecks, r.RequestedPremiumKopecks, r.Level, r.LevelSince,
                })
                .ToListAsync(ct))
            .Select(r => new PendingApprovalRow(r.Id, r.DealId, r.Client, r.Requester,
                AuthorityMatrix.DiscountPercent(new Money(r.BasePremiumKopecks), new Money(r.RequestedPremiumKopecks)),
                r.RequestedPremiumKopecks, r.Level, r.LevelSince)).ToList();
        return (rows, total);
    }
}

public sealed record BoardTokenRow(int Id, string Name, int? TeamId, string TeamName, DateTime CreatedAt, DateTime? LastSeenAt, bool Active);

/// <summary>Board links in settings: an admin or the head manages every board, a team lead the own team's.</summary>
public sealed class BoardTokenService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time)
{
    public async Task<IReadOnlyList<BoardTokenRow>> ListAsync(CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var tokens = db.BoardTokens.AsNoTracking();
        if (!user.SeesEverything) tokens = tokens.Where(t => t.TeamId == user.TeamId);
        return await tokens.OrderBy(t => t.RevokedAt != null).ThenBy(t => t.Name)
            .Select(t => new BoardTokenRow(t.Id, t.Name, t.TeamId, t.TeamId == null ? "Все команды" : db.Teams.Where(x => x.Id == t.TeamId).Select(x => x.Name).First(),
                t.CreatedAt, t.LastSeenAt, t.RevokedAt == null))
            .ToListAsync(ct);
    }

    /// <summary>Creates a board link; the token is returned once and only its hash is kept.</summary>
    public async Task<string> CreateAsync(string name, int? teamId, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        if (!user.SeesEverything && teamId != user.TeamId) throw new AccessDeniedException("Экран можно создать только для своей команды.");
        await using var db = await factory.CreateDbContextAsync(ct);
        if (teamId is { } id && !await db.Teams.AnyAsync(t => t.Id == id, ct)) throw new DomainException("Команда не найдена.", "TeamId");
        var token = BoardToken.NewToken();
        db.BoardTokens.Add(new BoardToken(name, teamId, token, user.ManagerId, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task RevokeAsync(int id, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var token = await db.BoardTokens.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Экран не найден.");
        if (!user.SeesEverything && token.TeamId != user.TeamId) throw new AccessDeniedException("Это экран другой команды.");
        token.Revoke(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    private async Task<CurrentUser> RequireAsync(CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        return user.LeadsSales
            ? user
            : throw new AccessDeniedException("Экранами управляют старший менеджер, начальник отдела и администратор.");
    }
}
