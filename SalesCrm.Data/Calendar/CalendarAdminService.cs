using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Admin;
using SalesCrm.Data.Common;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Calendar;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Calendar;

/// <summary>One date of the year as the administration page shows it: what it is, and whether the department changed it.</summary>
public sealed record CalendarDayRow(DateOnly Date, bool IsWorking, string? Name, bool Edited, bool DefaultWorking, string? DefaultName);

public sealed record TeamHoursRow(int TeamId, string Team, WorkingHours Hours, bool Own, bool CanEdit);

/// <summary>
/// The working calendar on /admin: the holiday calendar (the Russian production calendar by default; the head or the
/// administrator marks any date worked or not, and can bring the default back) and each team's working hours (the head,
/// the administrator, or the team's lead when the head allows). Every change is audited and the figures use it at once.
/// </summary>
public sealed class CalendarAdminService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IDomainEventPublisher events,
    TimeProvider time, CrmOptions options, WorkingCalendarSource source)
{
    /// <summary>The dates of a year that are not ordinary (holidays, moved days, working Saturdays, the department's edits).</summary>
    public async Task<IReadOnlyList<CalendarDayRow>> YearAsync(int year, CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        if (year is < 2000 or > 2100) throw new DomainException("Год указан неверно.", "Year");
        await using var db = await factory.CreateDbContextAsync(ct);
        var from = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var edits = await db.CalendarDays.AsNoTracking().Where(d => d.Date >= from && d.Date < from.AddYears(1)).ToListAsync(ct);
        var defaults = RussianProductionCalendar.Year(year).ToDictionary(d => d.Date);
        var dates = defaults.Keys.Concat(edits.Select(e => e.Day)).Distinct().Order();
        return dates.Select(date =>
        {
            defaults.TryGetValue(date, out var d);
            var edit = edits.SingleOrDefault(e => e.Day == date);
            var defaultWorking = d?.IsWorking ?? options.WorkingHours.Days.Contains(date.DayOfWeek);
            return new CalendarDayRow(date, edit?.IsWorking ?? defaultWorking, edit?.Name ?? d?.Name, edit is not null, defaultWorking, d?.Name);
        }).ToList();
    }

    /// <summary>Marks a date worked or not for the whole department.</summary>
    public async Task SetDayAsync(DateOnly date, bool isWorking, string? name, CancellationToken ct = default)
    {
        var user = await RequireCalendarAsync(ct);
        if (date.Year is < 2000 or > 2100) throw new DomainException("Дата указана неверно.", "Date");
        await using var db = await factory.CreateDbContextAsync(ct);
        var at = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var day = await db.CalendarDays.SingleOrDefaultAsync(d => d.Date == at, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (day is null) db.CalendarDays.Add(new CalendarDay(date, isWorking, name, user.ManagerId, now));
        else day.Change(isWorking, name, user.ManagerId, now);
        await SaveAsync(db, ct);
    }

    /// <summary>Brings a date back to the production calendar's default.</summary>
    public async Task ResetDayAsync(DateOnly date, CancellationToken ct = default)
    {
        await RequireCalendarAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var at = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var day = await db.CalendarDays.SingleOrDefaultAsync(d => d.Date == at, ct);
        if (day is null) return;
        db.CalendarDays.Remove(day);
        await SaveAsync(db, ct);
    }

    public async Task<IReadOnlyList<TeamHoursRow>> TeamHoursAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var policy = await PolicyAsync(db, ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        return teams.Where(t => user.ConfiguresDepartment || t.Id == user.TeamId)
            .Select(t => new TeamHoursRow(t.Id, t.Name, t.Hours ?? options.WorkingHours, t.Hours is not null, CanEditHours(user, policy, t.Id))).ToList();
    }

    /// <summary>Sets a team's own hours, or (null) brings back the department's.</summary>
    public async Task SetTeamHoursAsync(int teamId, WorkingHours? hours, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!CanEditHours(user, await PolicyAsync(db, ct), teamId))
        {
            await security.AccessDeniedAsync(user.Actor, "TeamHours", teamId.ToString(System.Globalization.CultureInfo.InvariantCulture), "edit", ct);
            throw new AccessDeniedException(user.Role == StaffRole.TeamLead && user.TeamId == teamId
                ? "Часы работы команды меняет начальник отдела: он может разрешить это старшим менеджерам."
                : "Часы работы этой команды вам менять нельзя.");
        }
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Команда не найдена.");
        team.SetHours(hours is null ? null : WorkingHours.Create(hours.Start, hours.End, hours.Days));
        await SaveAsync(db, ct);
    }

    /// <summary>The head (or the administrator) lets team leads set their own team's hours, or takes it back.</summary>
    public Task SetHoursDelegationAsync(bool teamLeadsEditHours, CancellationToken ct = default) =>
        Delegation.ChangeAsync(factory, users, security, time, p => (p.TeamLeadsEditPlans, teamLeadsEditHours), ct);

    public async Task<bool> TeamLeadsEditHoursAsync(CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await PolicyAsync(db, ct)).TeamLeadsEditHours;
    }

    private async Task SaveAsync(CrmDbContext db, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        source.Forget();
        await events.PublishAsync([new SettingsChanged("calendar", time.GetUtcNow().UtcDateTime)], ct);
    }

    private Task<CurrentUser> RequireCalendarAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.ConfiguresDepartment,
        "Calendar", "edit", "Календарь отдела ведут начальник отдела и администратор.", ct);

    private static bool CanEditHours(CurrentUser user, DelegationPolicy policy, int teamId) =>
        user.ConfiguresDepartment || user.Role == StaffRole.TeamLead && user.TeamId == teamId && policy.TeamLeadsEditHours;

    private static Task<DelegationPolicy> PolicyAsync(CrmDbContext db, CancellationToken ct) => Delegation.PolicyAsync(db, ct);
}
