using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Tasks;

public enum AgendaItemKind
{
    /// <summary>A task due at a moment.</summary>
    Task = 1,
    /// <summary>A planned meeting (a task of kind <see cref="TaskKind.Meeting"/>), held over a period.</summary>
    Meeting = 2,
    /// <summary>A meeting already logged on a card (an activity), for the record of the week.</summary>
    HeldMeeting = 3,
}

/// <summary>One block of the calendar or one line of «Мой день»; times are UTC.</summary>
public sealed record AgendaItem(int Id, AgendaItemKind Kind, TaskKind? TaskKind, string Title, DateTime StartsAt, int Minutes, int AssigneeId,
    string AssigneeName, int? DealId, int? ClientId, string? ClientName, string? Place, TaskState? Status, bool IsOverdue)
{
    public DateTime EndsAt => StartsAt.AddMinutes(Minutes);

    public bool IsOpen => Status == TaskState.Open;
}

/// <summary>
/// Whose calendar and which days: <paramref name="From"/> is a local date in the department's time zone; one person, a team,
/// or (null, null) the user's own — a team lead's default is their team.
/// </summary>
public sealed record AgendaQuery(DateOnly From, int Days = 7, int? AssigneeId = null, int? TeamId = null);

public sealed record Agenda(DateOnly From, int Days, IReadOnlyList<AgendaItem> Items, IReadOnlyList<(int Id, string Name)> People,
    IReadOnlyList<TeamInfo> Teams, int? AssigneeId, int? TeamId, bool Truncated, IReadOnlyList<int> Shown);

/// <summary>The home page: what is overdue, what is on today, the new leads to call, the requests waiting.</summary>
public sealed record MyDay(DateOnly Date, IReadOnlyList<AgendaItem> Overdue, int OverdueTotal, IReadOnlyList<AgendaItem> Today, IReadOnlyList<LeadRow> NewLeads,
    int NewLeadsTotal, int QueueTotal, IReadOnlyList<ApprovalRow> Requests, bool RequestsAreForMe);

/// <summary>
/// «Мой день» and the day/week calendar of tasks and meetings, and the meetings as an iCalendar file. A manager sees their own;
/// a team lead their team's (the team by default, or one person); the head anybody's (their own by default, or a team or a
/// person). Scoped like the task list, so nothing here shows what the user may not open.
/// </summary>
public sealed class AgendaService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security,
    CrmOptions options, LeadService leads, ApprovalService approvals)
{
    public const int MaxItems = 2000;
    public const int MyDayRows = 10;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, options.TimeZone));

    private DateTime Utc(DateOnly local) => TimeZoneInfo.ConvertTimeToUtc(local.ToDateTime(TimeOnly.MinValue), options.TimeZone);

    public async Task<MyDay> MyDayAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = Today;
        var (from, to) = (Utc(today), Utc(today.AddDays(1)));
        var mine = db.Tasks.AsNoTracking().Where(t => t.AssigneeId == user.ManagerId && t.Status == TaskState.Open);
        var overdueQuery = mine.Where(t => t.DueAt < now && t.DueAt < from);
        var overdue = await Project(db, overdueQuery.OrderBy(t => t.DueAt).Take(MyDayRows), now).ToListAsync(ct);
        var overdueTotal = await overdueQuery.CountAsync(ct);
        var todays = await Project(db, db.Tasks.AsNoTracking().Where(t => t.AssigneeId == user.ManagerId && t.Status != TaskState.Cancelled
            && t.DueAt >= from && t.DueAt < to).OrderBy(t => t.DueAt).Take(100), now).ToListAsync(ct);
        IReadOnlyList<LeadRow> newLeads = [];
        int newTotal = 0, queue = 0;
        if (user.WorksSales)
        {
            var page = await leads.ListAsync(new LeadListQuery { View = LeadView.Mine, Status = LeadStatus.New, PageSize = MyDayRows }, ct);
            (newLeads, newTotal) = (page.Items, page.Total);
            if (user.CanAssign) queue = (await leads.ListAsync(new LeadListQuery { View = LeadView.Queue, PageSize = 1 }, ct)).Total;
        }
        var forMe = user.DecidesApprovals;
        var requests = forMe ? await approvals.ListAsync(ApprovalView.ForMe, ct)
            : user.WorksSales ? (await approvals.ListAsync(ApprovalView.Pending, ct)).Where(r => r.RequesterId == user.ManagerId).ToList() : [];
        return new MyDay(today, overdue, overdueTotal, todays, newLeads, newTotal, queue, requests, forMe);
    }

    public async Task<Agenda> CalendarAsync(AgendaQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var days = Math.Clamp(query.Days, 1, 31);
        var (people, assignee, team) = await WhoseAsync(db, user, query, ct);
        var (from, to) = (Utc(query.From), Utc(query.From.AddDays(days)));
        var now = time.GetUtcNow().UtcDateTime;
        var tasks = db.Tasks.AsNoTracking().Where(t => people.Contains(t.AssigneeId) && t.Status != TaskState.Cancelled
            && t.DueAt < to && t.DueAt >= from.AddMinutes(-TaskItem.MaxMeetingMinutes));
        var items = (await Project(db, tasks.OrderBy(t => t.DueAt).Take(MaxItems + 1), now).ToListAsync(ct)).Where(i => i.EndsAt >= from);
        // Meetings already held, for one person's record of the week; a team's calendar is about what is planned.
        var held = assignee is null ? [] : await db.Activities.AsNoTracking()
            .Where(a => a.Kind == ActivityKind.Meeting && people.Contains(a.AuthorId) && a.OccurredAt >= from && a.OccurredAt < to)
            .OrderBy(a => a.OccurredAt).Take(MaxItems + 1)
            .Select(a => new AgendaItem(a.Id, AgendaItemKind.HeldMeeting, null, a.Outcome ?? a.Comment ?? "", a.OccurredAt,
                a.DurationMinutes, a.AuthorId, db.Managers.Where(m => m.Id == a.AuthorId).Select(m => m.FullName).FirstOrDefault() ?? "",
                a.DealId, a.ClientId, db.Clients.Where(c => c.Id == a.ClientId).Select(c => c.Name).FirstOrDefault(), null, null, false))
            .ToListAsync(ct);
        var all = items.Concat(held).OrderBy(i => i.StartsAt).ThenBy(i => i.Id).ToList();
        var names = await db.Managers.AsNoTracking().Where(m => m.IsActive && (user.VisibleOwnerIds == null || user.VisibleOwnerIds.Contains(m.Id) || m.Id == user.ManagerId))
            .OrderBy(m => m.FullName).Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        var teams = user.SeesEverything
            ? await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamInfo(t.Id, t.Name)).ToListAsync(ct)
            : [];
        return new Agenda(query.From, days, all.Take(MaxItems).ToList(), names.Select(m => (m.Id, m.FullName)).ToList(), teams, assignee, team,
            all.Count > MaxItems, people);
    }

    /// <summary>The meetings of the calendar's days, as an iCalendar file.</summary>
    public async Task<string> MeetingsFileAsync(AgendaQuery query, string baseUrl, CancellationToken ct = default)
    {
        var agenda = await CalendarAsync(query, ct);
        return ICalendarFile.Write(agenda.Items.Where(i => i.Kind == AgendaItemKind.Meeting).Select(i => Event(i, baseUrl)), "SalesCrm — встречи"); // not UI text: the calendar's name in the file
    }

    /// <summary>One meeting as an iCalendar file, for whoever may see its assignee's tasks.</summary>
    public async Task<(string Name, string Text)> MeetingFileAsync(int taskId, string baseUrl, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var item = await Project(db, db.Tasks.AsNoTracking().Where(t => t.Id == taskId && t.Kind == TaskKind.Meeting), now).SingleOrDefaultAsync(ct)
                   ?? throw new NotFoundException("Встреча не найдена.");
        if (item.AssigneeId != user.ManagerId && !user.CanSeeOwner(item.AssigneeId))
        {
            await security.AccessDeniedAsync(user.Actor, "Task", RecordGuard.Key(taskId), "download meeting", ct);
            throw new AccessDeniedException("Эта встреча вам недоступна.");
        }
        return ($"meeting-{taskId}.ics", ICalendarFile.Write([Event(item, baseUrl)], "SalesCrm")); // not UI text: a file name
    }

    private CalendarEvent Event(AgendaItem i, string baseUrl)
    {
        var link = i.DealId is { } d ? $"{baseUrl.TrimEnd('/')}/deals/{d}" : i.ClientId is { } c ? $"{baseUrl.TrimEnd('/')}/clients/{c}" : null;
        var summary = i.ClientName is { } client ? $"{i.Title} — {client}" : i.Title;
        var description = string.Join("\n", new[] { i.ClientName, i.DealId is { } id ? $"Сделка № {id}" : null, $"Ответственный: {i.AssigneeName}", link } // not UI text: an exported event's text
            .Where(x => !string.IsNullOrWhiteSpace(x)));
        return new CalendarEvent($"task-{i.Id}@salescrm", i.StartsAt, i.EndsAt, summary, i.Place, description, link, time.GetUtcNow().UtcDateTime,
            i.Status == TaskState.Cancelled);
    }

    /// <summary>
    /// The people whose calendar is asked for, checked: a manager only their own; a leader anyone they see, a team they see
    /// (a team lead: their own), by default a team lead's team and everyone else's own.
    /// </summary>
    private async Task<(List<int> People, int? Assignee, int? Team)> WhoseAsync(CrmDbContext db, CurrentUser user, AgendaQuery query, CancellationToken ct)
    {
        if (query.AssigneeId is { } asked)
        {
            if (asked != user.ManagerId && !user.CanSeeOwner(asked))
            {
                await security.AccessDeniedAsync(user.Actor, "Task", "", $"calendar of manager {asked}", ct);
                throw new AccessDeniedException("Можно смотреть только свой календарь и календарь своей команды.");
            }
            return ([asked], asked, null);
        }
        var team = query.TeamId ?? (user.Role == StaffRole.TeamLead ? user.TeamId : null);
        if (team is { } t && user.LeadsSales)
        {
            if (!user.SeesEverything && t != user.TeamId)
            {
                await security.AccessDeniedAsync(user.Actor, "Task", "", $"calendar of team {t}", ct);
                throw new AccessDeniedException("Можно смотреть только свой календарь и календарь своей команды.");
            }
            var members = await db.Managers.Where(m => m.TeamId == t && m.IsActive).Select(m => m.Id).ToListAsync(ct);
            return ([.. members, user.ManagerId], null, t);
        }
        return ([user.ManagerId], user.ManagerId, null);
    }

    private static IQueryable<AgendaItem> Project(CrmDbContext db, IQueryable<TaskItem> tasks, DateTime now) =>
        tasks.Select(t => new AgendaItem(t.Id, t.Kind == TaskKind.Meeting ? AgendaItemKind.Meeting : AgendaItemKind.Task, t.Kind, t.Title, t.DueAt,
            t.DurationMinutes, t.AssigneeId, db.Managers.Where(m => m.Id == t.AssigneeId).Select(m => m.FullName).FirstOrDefault() ?? "",
            t.DealId, t.ClientId, db.Clients.Where(c => c.Id == t.ClientId).Select(c => c.Name).FirstOrDefault(), t.Place, t.Status,
            t.Status == TaskState.Open && t.DueAt < now));
}
