using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Access;

/// <summary>
/// Who leads a team: its active team leads. Where one person must be named (an alert, a hand-over), it is the one with
/// the lowest id — the same person every time.
/// </summary>
public static class TeamLeads
{
    /// <summary>The active team leads of <paramref name="teamId"/> (none for a manager without a team).</summary>
    public static IQueryable<Manager> LeadsOf(this IQueryable<Manager> managers, int? teamId) =>
        managers.Where(m => m.IsActive && m.Role == StaffRole.TeamLead && m.TeamId != null && m.TeamId == teamId);

    /// <summary>
    /// The active team leads who see a queue: the team's, or every team's for the department's queue (no team: the region of
    /// the lead belongs to none).
    /// </summary>
    public static IQueryable<Manager> LeadsOfQueue(this IQueryable<Manager> managers, int? teamId) =>
        teamId is null ? managers.Where(m => m.IsActive && m.Role == StaffRole.TeamLead) : managers.LeadsOf(teamId);

    /// <summary>The active team leads of the team <paramref name="managerId"/> belongs to.</summary>
    public static async Task<List<int>> OfTeamOfAsync(CrmDbContext db, int managerId, CancellationToken ct)
    {
        var team = await db.Managers.Where(m => m.Id == managerId).Select(m => m.TeamId).SingleAsync(ct);
        return await db.Managers.AsNoTracking().LeadsOf(team).OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(ct);
    }

    /// <summary>The one team lead named for each team that has one.</summary>
    public static Task<Dictionary<int, int>> ByTeamAsync(CrmDbContext db, CancellationToken ct) =>
        db.Managers.AsNoTracking().Where(m => m.IsActive && m.Role == StaffRole.TeamLead && m.TeamId != null)
            .GroupBy(m => m.TeamId!.Value).Select(g => new { Team = g.Key, Lead = g.Min(m => m.Id) })
            .ToDictionaryAsync(x => x.Team, x => x.Lead, ct);
}
