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
public sealed class BoardService(IProviderContextFactory contexts, TimeProvider time, CrmOptions options, ISharedResults shared)
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

    private async Task<BoardData> ComputeAsync(BoardAccess access, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone);
        await using var db = contexts.Create();
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.Order)
            .Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync(ct);
        var owners = access.OwnerIds;

        var sellers = db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead));
        if (owners is not null) sellers = sellers.Where(m => owners.Contains(m.Id));
        var people = await sellers.Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var won = await db.Deals.AsNoTracking()
            .Where(d => ids.Contains(d.OwnerId) && d.Stage == StageCode.Won && d.ClosedAt >= month.FromUtc && d.ClosedAt < month.ToUtc)
            .GroupBy(d => d.OwnerId).Select(g => new { Owner = g.Key, Sum = g.Sum(d => d.PremiumKopecks), Count = g.Count() })
            .ToDictionaryAsync(x => x.Owner, ct);
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.ManagerId) && p.Year == month.FirstDay.Year && p.Month == month.FirstDay.Month)
            .ToDictionaryAsync(p => p.ManagerId, p => p.TargetKopecks, ct);
        var leaders = people
            .Select(p => new LeaderRow(p.Id, p.FullName, won.TryGetValue(p.Id, out var w) ? w.Sum : 0, plans.GetValueOrDefault(p.Id),
                won.TryGetValue(p.Id, out var w2) ? w2.Count : 0))
            .Where(r => r.PlanKopecks > 0 || r.WonKopecks > 0)
            .OrderByDescending(r => r.Attainment ?? 0).ThenByDescending(r => r.WonKopecks).ToList();

        var totals = await DashboardQueries.StageTotalsAsync(db, owners, month, ct);
        var funnel = stages.Select(s =>
        {
            totals.TryGetValue(s.Code, out var t);
            return new FunnelStage(s.Code, s.Name, t.Count, t.Premium, t.Weighted, 0, 0, 0, 0, null);
        }).ToList();
        var (stuck, stuckTotal) = await DashboardQueries.StuckAsync(db, owners, stages, now, 12, ct);

        var assignments = db.Assignments.AsNoTracking().Where(a => a.LeadId != null);
        if (owners is not null) assignments = assignments.Where(a => owners.Contains(a.ToManagerId));
        var latest = await assignments.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(10)
            .Join(db.Managers, a => a.ToManagerId, m => m.Id, (a, m) => new { a.At, a.LeadId, To = m.FullName, a.Reason, a.Rule })
            .ToListAsync(ct);
        var leadIds = latest.Select(a => a.LeadId!.Value).ToList();
        var leadNames = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id))
            .Select(l => new { l.Id, Name = l.CompanyName ?? l.ContactName ?? l.Phone ?? l.Email ?? "" }).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        var assignmentRows = latest.Select(a => new AssignmentRow(a.At, leadNames.GetValueOrDefault(a.LeadId!.Value, ""), a.To,
            a.Reason.Russian(), a.Rule)).ToList();

        var pending = db.ApprovalRequests.AsNoTracking().Where(r => r.State == ApprovalRequestState.Pending);
        if (owners is not null) pending = pending.Where(r => db.Deals.Any(d => d.Id == r.DealId && owners.Contains(d.OwnerId)));
        var approvalsTotal = await pending.CountAsync(ct);
        // The longest waiting at their current level first: the age the board shows.
        var approvals = (await pending.OrderBy(r => r.LevelSince).ThenBy(r => r.Id).Take(10)
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

        var forecast = await DashboardQueries.ForecastAsync(db, owners, month, ct);
        return new BoardData(access, month, leaders, funnel, stuck, stuckTotal, assignmentRows, approvals, forecast, now, approvalsTotal);
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
