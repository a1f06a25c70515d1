using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Admin;

public sealed record TeamRow(int Id, string Name, bool AutoAssignLeads, int? LeadId, string? LeadName, int Members, int ActiveMembers);

/// <summary>
/// Teams and their leads, for the administrator: create, rename, remove an empty team, and name the team lead (who gets the
/// role and the team; a previous lead of the team becomes a manager in it — both sessions end, so their pages follow).
/// </summary>
public sealed class TeamAdminService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, UserAdminService people)
{
    public async Task<IReadOnlyList<TeamRow>> ListAsync(CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        var members = await db.Managers.AsNoTracking().Where(m => m.TeamId != null)
            .Select(m => new { m.Id, m.FullName, m.TeamId, m.Role, m.IsActive }).ToListAsync(ct);
        return teams.Select(t =>
        {
            var own = members.Where(m => m.TeamId == t.Id).ToList();
            var lead = own.Where(m => m.Role == StaffRole.TeamLead && m.IsActive).OrderBy(m => m.Id).FirstOrDefault();
            return new TeamRow(t.Id, t.Name, t.AutoAssignLeads, lead?.Id, lead?.FullName, own.Count, own.Count(m => m.IsActive));
        }).ToList();
    }

    public async Task<int> CreateAsync(string name, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = new Team(name);
        await EnsureUniqueAsync(db, team.Name, null, ct);
        db.Teams.Add(team);
        await db.SaveChangesAsync(ct);
        return team.Id;
    }

    public async Task RenameAsync(int teamId, string name, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Команда не найдена.");
        team.Rename(name);
        await EnsureUniqueAsync(db, team.Name, teamId, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes a team nobody is in (people are moved to other teams first, so that no record loses its team).</summary>
    public async Task DeleteAsync(int teamId, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Команда не найдена.");
        if (await db.Managers.AnyAsync(m => m.TeamId == teamId, ct))
            throw new DomainException("В команде есть сотрудники: сначала переведите их в другие команды.");
        if (await db.Leads.AnyAsync(l => l.QueueTeamId == teamId, ct) || await db.BoardTokens.AnyAsync(b => b.TeamId == teamId && b.RevokedAt == null, ct))
            throw new DomainException("У команды есть лиды в очереди или действующие ссылки табло: разберите их сначала.");
        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Names the team lead; a previous lead of the team stays in it as a manager.</summary>
    public async Task SetLeadAsync(int teamId, int managerId, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, ct)) throw new NotFoundException("Команда не найдена.");
        var person = await db.Managers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Сотрудник не найден.");
        if (!person.IsActive) throw new DomainException("Сотрудник отключён.", "ManagerId");
        if (person.Role is not (StaffRole.Manager or StaffRole.TeamLead))
            throw new DomainException("Старшим менеджером можно сделать менеджера по продажам.", "ManagerId");
        var previous = await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId && m.Role == StaffRole.TeamLead && m.Id != managerId).ToListAsync(ct);
        foreach (var lead in previous)
            await people.UpdateAsync(lead.Id, new UserInput(lead.FullName, lead.Email, StaffRole.Manager, teamId, lead.Phone, lead.Extension), ct);
        if (person.Role != StaffRole.TeamLead || person.TeamId != teamId)
            await people.UpdateAsync(person.Id, new UserInput(person.FullName, person.Email, StaffRole.TeamLead, teamId, person.Phone, person.Extension), ct);
    }

    private static async Task EnsureUniqueAsync(CrmDbContext db, string name, int? except, CancellationToken ct)
    {
        if (await db.Teams.AnyAsync(t => t.Name == name && t.Id != except, ct))
            throw new DomainException("Команда с таким названием уже есть.", nameof(Team.Name));
    }

    private Task<CurrentUser> RequireAdminAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.Role == StaffRole.Admin, "Team", "administer",
        "Командами управляет администратор.", ct);
}
