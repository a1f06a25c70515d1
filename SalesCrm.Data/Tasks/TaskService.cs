using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;

namespace SalesCrm.Data.Tasks;

public enum TaskView
{
    Open = 1,
    Overdue = 2,
    /// <summary>Closed in the last <see cref="TaskService.DoneDays"/> days.</summary>
    Done = 3,
}

/// <summary>What /tasks shows (its address holds the same): the view, an assignee, a kind, and the page (from 1).</summary>
public sealed record TaskListQuery(TaskView View = TaskView.Open, int? AssigneeId = null, TaskKind? Kind = null, int Page = 1, int PageSize = TaskService.PageSize,
    int? TeamId = null);

public sealed record TaskRow(int Id, TaskKind Kind, string Title, string? Comment, int AssigneeId, string AssigneeName, string AuthorName, DateTime DueAt,
    bool IsOverdue, TaskState Status, DateTime? CompletedAt, int? DealId, string? DealTitle, int? ClientId, string? ClientName, QualityRule? FixRule);

/// <summary>
/// One page of the view's rows, how many the view holds in all, the counts of the toggles, whom the user may filter by, and
/// whose tasks the list can hold (null: anybody's) — what a live page listens to.
/// </summary>
public sealed record TaskList(IReadOnlyList<TaskRow> Rows, int Total, int Open, int Overdue, int OpenFixes, IReadOnlyList<(int Id, string Name)> Assignees,
    IReadOnlyList<int>? Owners = null);

public sealed record CloseFixedResult(int Closed, int StillOpen);

/// <summary>
/// A task planned by hand from anywhere (the task list, «Мой день», the calendar, a card): the fewest fields the rules allow —
/// a kind, what, when; a meeting also how long and where; optionally the deal or client it is about and, for a leader, who does it.
/// </summary>
public sealed record TaskPlan(TaskKind Kind, string? Title, DateTime? DueAt, int? DealId = null, int? ClientId = null, int? AssigneeId = null,
    int DurationMinutes = 60, string? Place = null, string? Comment = null);

/// <summary>
/// The task list (/tasks): a manager's own tasks; a team lead's and their team's; the head's and admin's anybody's. Closing
/// a data-fix task re-checks its rule on the record first (<see cref="TaskItem.Complete(DateTime, bool)"/>).
/// </summary>
public sealed class TaskService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security,
    Quality.QualityService quality)
{
    public const int DoneDays = 30;
    public const int PageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<TaskList> ListAsync(TaskListQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var (mine, visible) = await ScopedAsync(db, user, query, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var open = await mine.CountAsync(t => t.Status == TaskState.Open, ct);
        var overdue = await mine.CountAsync(t => t.Status == TaskState.Open && t.DueAt < now, ct);
        var openFixes = await mine.CountAsync(t => t.Status == TaskState.Open && t.FixRule != null, ct);
        var rows = InView(mine, query.View, now);
        var total = await rows.CountAsync(ct);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Clamp(query.Page, 1, Math.Max(1, (total + size - 1) / size));
        var list = await Project(db, rows, now).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var people = await db.Managers.AsNoTracking().Where(m => m.IsActive && (visible == null || visible.Contains(m.Id)))
            .OrderBy(m => m.FullName).Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        IReadOnlyList<int>? owners = query.AssigneeId is { } one ? [one] : visible;
        return new TaskList(list, total, open, overdue, openFixes, people.Select(p => (p.Id, p.FullName)).ToList(), owners);
    }

    /// <summary>Every row of the view, in the page's order, for the Excel export.</summary>
    public async IAsyncEnumerable<TaskRow> ExportAsync(TaskListQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var (mine, _) = await ScopedAsync(db, user, query, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await foreach (var row in Project(db, InView(mine, query.View, now), now).AsAsyncEnumerable().WithCancellation(ct))
            yield return row;
    }

    /// <summary>Whose tasks: the records' owners the user sees, and always their own (an underwriter owns no records but has tasks).</summary>
    private async Task<(IQueryable<TaskItem> Tasks, IReadOnlyList<int>? Visible)> ScopedAsync(CrmDbContext db, CurrentUser user, TaskListQuery query,
        CancellationToken ct)
    {
        IReadOnlyList<int>? visible = user.VisibleOwnerIds is { } ids ? [.. ids, user.ManagerId] : null;
        if (query.AssigneeId is { } asked && asked != user.ManagerId && !user.CanSeeOwner(asked))
        {
            await security.AccessDeniedAsync(user.Actor, "Task", "", $"list tasks of manager {asked}", ct);
            throw new AccessDeniedException("Можно смотреть только свои задачи и задачи своей команды.");
        }
        var mine = db.Tasks.AsNoTracking().Where(t => visible == null || visible.Contains(t.AssigneeId));
        if (query.AssigneeId is { } assignee) mine = mine.Where(t => t.AssigneeId == assignee);
        if (query.Kind is { } kind) mine = mine.Where(t => t.Kind == kind);
        if (query.TeamId is { } team) mine = mine.Where(t => db.Managers.Any(m => m.Id == t.AssigneeId && m.TeamId == team));
        return (mine, visible);
    }

    private static IOrderedQueryable<TaskItem> InView(IQueryable<TaskItem> tasks, TaskView view, DateTime now)
    {
        var since = now.AddDays(-DoneDays);
        return (view switch
        {
            TaskView.Overdue => tasks.Where(t => t.Status == TaskState.Open && t.DueAt < now).OrderBy(t => t.DueAt),
            TaskView.Done => tasks.Where(t => t.Status != TaskState.Open && t.CompletedAt >= since).OrderByDescending(t => t.CompletedAt),
            _ => tasks.Where(t => t.Status == TaskState.Open).OrderBy(t => t.DueAt),
        }).ThenBy(t => t.Id);
    }

    private static IQueryable<TaskRow> Project(CrmDbContext db, IQueryable<TaskItem> tasks, DateTime now) =>
        tasks.Select(t => new TaskRow(t.Id, t.Kind, t.Title, t.Comment, t.AssigneeId,
            db.Managers.Where(m => m.Id == t.AssigneeId).Select(m => m.FullName).FirstOrDefault() ?? "",
            db.Managers.Where(m => m.Id == t.AuthorId).Select(m => m.FullName).FirstOrDefault() ?? "",
            t.DueAt, t.Status == TaskState.Open && t.DueAt < now, t.Status, t.CompletedAt, t.DealId,
            db.Deals.Where(d => d.Id == t.DealId).Select(d => d.Client!.Name + " · " + d.Product!.Name).FirstOrDefault(),
            t.ClientId, db.Clients.Where(c => c.Id == t.ClientId).Select(c => c.Name).FirstOrDefault(), t.FixRule));

    /// <summary>
    /// Plans a task or a meeting. The user must see the deal or client it is about; a leader may give it to someone they see, and a
    /// task about a record goes to the user or to the record's owner (who sees it) — never to a colleague the record is hidden from.
    /// </summary>
    public async Task<int> PlanAsync(TaskPlan plan, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.WorksSales) throw new AccessDeniedException("Ваша роль не ведёт задачи.");
        if (!TaskItem.Plannable.Contains(plan.Kind)) throw new DomainException("Выберите вид задачи.", "Kind");
        if (plan.DueAt is not { } due) throw new DomainException(plan.Kind == TaskKind.Meeting ? "Укажите, когда встреча." : "Укажите срок задачи.", "DueAt");
        await using var db = await factory.CreateDbContextAsync(ct);
        var assignee = plan.AssigneeId ?? user.ManagerId;
        if (assignee != user.ManagerId && !(user.LeadsSales && user.CanSeeOwner(assignee)))
        {
            await security.AccessDeniedAsync(user.Actor, "Task", "", $"plan a task for manager {assignee}", ct);
            throw new AccessDeniedException("Поставить задачу можно себе, а руководителю — сотруднику своей команды.");
        }
        if (!await db.Managers.AnyAsync(m => m.Id == assignee && m.IsActive, ct)) throw new DomainException("Исполнитель не найден или отключён.", "AssigneeId");
        int? dealId = plan.DealId, clientId = plan.ClientId, owner = null;
        if (dealId is { } d)
        {
            await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Deal, d, "plan a task", ct);
            var deal = await db.Deals.AsNoTracking().Where(x => x.Id == d).Select(x => new { x.ClientId, x.OwnerId, x.Stage }).SingleAsync(ct);
            if (deal.Stage == Domain.Deals.StageCode.Won || deal.Stage == Domain.Deals.StageCode.Lost) throw new DomainException("Сделка закрыта: новые задачи по ней не ставятся.", "DealId");
            (clientId, owner) = (deal.ClientId, deal.OwnerId);
        }
        else if (clientId is { } c)
        {
            await RecordGuard.EnsureVisibleAsync(db, user, security, CardSubject.Client, c, "plan a task", ct);
            owner = await db.Clients.Where(x => x.Id == c).Select(x => x.OwnerId).SingleAsync(ct);
        }
        if (owner is { } o && assignee != user.ManagerId && assignee != o)
            throw new DomainException("Задачу по сделке или клиенту получает ответственный за запись или вы сами.", "AssigneeId");
        var now = time.GetUtcNow().UtcDateTime;
        var title = string.IsNullOrWhiteSpace(plan.Title) && plan.Kind == TaskKind.Meeting ? "Встреча с клиентом" : plan.Title ?? ""; // not UI text: a stored default title
        var task = plan.Kind == TaskKind.Meeting
            ? TaskItem.Meeting(title, assignee, user.ManagerId, due, plan.DurationMinutes, plan.Place, dealId, clientId, plan.Comment, now)
            : new TaskItem(plan.Kind, title, assignee, user.ManagerId, due, dealId, clientId, plan.Comment, now);
        db.Tasks.Add(task);
        await db.SaveChangesAsync(ct);
        return task.Id;
    }

    /// <summary>
    /// Closes a task: the assignee, or a leader who sees the assignee. A data-fix task whose record still breaks its rule
    /// is refused with the rule's name.
    /// </summary>
    public async Task CompleteAsync(int taskId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == taskId, ct) ?? throw new NotFoundException("Задача не найдена.");
        if (task.AssigneeId != user.ManagerId && !(user.LeadsSales && user.CanSeeOwner(task.AssigneeId)))
        {
            await security.AccessDeniedAsync(user.Actor, "Task", RecordGuard.Key(taskId), "complete", ct);
            throw new AccessDeniedException("Закрыть задачу может её исполнитель или его руководитель.");
        }
        var failing = await quality.StillFailingAsync(db, [task], ct);
        task.Complete(time.GetUtcNow().UtcDateTime, failing.Contains(task.Id));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Closes every open data-fix task the user may close whose record now passes its rule; the rest stay open.
    /// </summary>
    public async Task<CloseFixedResult> CloseFixedAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var closable = user.LeadsSales ? user.VisibleOwnerIds : [user.ManagerId];
        var tasks = await db.Tasks.Where(t => t.Status == TaskState.Open && t.FixRule != null && (closable == null || closable.Contains(t.AssigneeId)))
            .ToListAsync(ct);
        var failing = await quality.StillFailingAsync(db, tasks, ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var task in tasks.Where(t => !failing.Contains(t.Id))) task.Complete(now);
        await db.SaveChangesAsync(ct);
        return new CloseFixedResult(tasks.Count - failing.Count, failing.Count);
    }
}
