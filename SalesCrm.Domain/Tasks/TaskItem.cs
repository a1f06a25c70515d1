using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Tasks;

/// <summary>
/// A task (задача). An open task of a client-facing kind (<see cref="NextStepKinds"/>) linked to a deal and due in the
/// future is that deal's <b>next step</b>: "no next step — no deal". A data-fix or coaching task is work on the CRM or on
/// the manager, not a step with the client, so it never counts.
/// </summary>
public sealed class TaskItem : Entity
{
    /// <summary>The kinds of task that move a deal with the client: follow-up, reviving a deal, renewal.</summary>
    public static readonly TaskKind[] NextStepKinds = [TaskKind.FollowUp, TaskKind.ReviveDeal, TaskKind.Renewal, TaskKind.Meeting];

    /// <summary>The kinds a person creates by hand (the others come from the flows that own them: quality, renewals, calls).</summary>
    public static readonly TaskKind[] Plannable = [TaskKind.General, TaskKind.FollowUp, TaskKind.Meeting, TaskKind.Callback];

    public const int MinMeetingMinutes = 15;
    public const int MaxMeetingMinutes = 8 * 60;

    private TaskItem() { }

    /// <summary>
    /// A "data fix" task for one finding of a data-quality <paramref name="rule"/>: it can only be closed once the record
    /// passes the rule (see <see cref="Complete(DateTime, bool)"/>).
    /// </summary>
    public static TaskItem DataFix(Quality.QualityRule rule, string title, int assigneeId, int authorId, DateTime dueAt, int? dealId, int? clientId,
        string? comment, DateTime now) =>
        new(TaskKind.DataFix, title, assigneeId, authorId, dueAt, dealId, clientId, comment, now) { FixRule = rule };

    public TaskItem(TaskKind kind, string title, int assigneeId, int authorId, DateTime dueAt, int? dealId,
        int? clientId, string? comment, DateTime now)
    {
        if (!Enum.IsDefined(kind)) throw new DomainException("Выберите тип задачи.", nameof(Kind));
        Kind = kind;
        Title = Guard.Required(title, nameof(Title), "Задача", 300);
        AssigneeId = assigneeId;
        AuthorId = authorId;
        DueAt = CheckDue(dueAt, now);
        DealId = dealId;
        ClientId = clientId;
        Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 4000);
        CreatedAt = now;
        Status = TaskState.Open;
        Raise(new TaskChanged(this, now));
    }

    /// <summary>
    /// A meeting with the client planned for <paramref name="startsAt"/> and lasting <paramref name="durationMinutes"/>: it shows in
    /// the calendar as a block and leaves as an iCalendar event; linked to a deal, it is that deal's next step.
    /// </summary>
    public static TaskItem Meeting(string title, int assigneeId, int authorId, DateTime startsAt, int durationMinutes, string? place,
        int? dealId, int? clientId, string? comment, DateTime now)
    {
        if (durationMinutes is < MinMeetingMinutes or > MaxMeetingMinutes)
            throw new DomainException(new UserText("Длительность встречи — от {0} минут до {1} часов.", MinMeetingMinutes, MaxMeetingMinutes / 60),
                nameof(DurationMinutes));
        if (dealId is null && clientId is null)
            throw new DomainException("Встреча — с клиентом: выберите сделку или клиента.", nameof(ClientId));
        return new TaskItem(TaskKind.Meeting, title, assigneeId, authorId, startsAt, dealId, clientId, comment, now)
        {
            DurationMinutes = durationMinutes,
            Place = Guard.Optional(place, nameof(Place), "Место", 300),
        };
    }

    /// <summary>A task that already existed before (imported history): its due date may be in the past.</summary>
    public static TaskItem FromHistory(TaskKind kind, string title, int assigneeId, int authorId, DateTime dueAt,
        int? dealId, int? clientId, DateTime createdAt, DateTime? completedAt, int durationMinutes = 0, string? place = null)
    {
        var task = new TaskItem
        {
            Kind = kind,
            Title = Guard.Required(title, nameof(Title), "Задача", 300),
            AssigneeId = assigneeId,
            AuthorId = authorId,
            DueAt = dueAt,
            DealId = dealId,
            ClientId = clientId,
            CreatedAt = createdAt,
            Status = completedAt is null ? TaskState.Open : TaskState.Done,
            CompletedAt = completedAt,
            DurationMinutes = kind == TaskKind.Meeting ? Math.Clamp(durationMinutes, MinMeetingMinutes, MaxMeetingMinutes) : 0,
            Place = Guard.Optional(place, nameof(Place), "Место", 300),
        };
        return task;
    }

    public TaskKind Kind { get; private set; }
    public string Title { get; private set; } = "";
    public int AssigneeId { get; private set; }
    public int AuthorId { get; private set; }
    public DateTime DueAt { get; private set; }
    public int? DealId { get; private set; }
    public int? ClientId { get; private set; }
    public string? Comment { get; private set; }
    public TaskState Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }

    /// <summary>A meeting's length in minutes (0 for other tasks: they are due at a moment, not held over a period).</summary>
    public int DurationMinutes { get; private set; }

    /// <summary>Where a meeting is held: the client's office address, a video link.</summary>
    public string? Place { get; private set; }

    /// <summary>When the task ends in the calendar: a meeting's end, or its due moment.</summary>
    public DateTime EndsAt => DueAt.AddMinutes(DurationMinutes);

    /// <summary>For a data-fix task: the rule whose finding it fixes (null for other tasks and for free-form fixes).</summary>
    public Quality.QualityRule? FixRule { get; private set; }

    public bool IsOpen => Status == TaskState.Open;

    public bool IsOverdue(DateTime now) => IsOpen && DueAt < now;

    /// <summary>Changes what is to be done and when (e.g. the deal's next step).</summary>
    public void Reschedule(string title, DateTime dueAt, DateTime now)
    {
        if (!IsOpen) throw new DomainException("Задача уже закрыта.");
        Title = Guard.Required(title, nameof(Title), "Задача", 300);
        DueAt = CheckDue(dueAt, now);
        Raise(new TaskChanged(this, now));
    }

    public void Complete(DateTime now) => Complete(now, stillFailing: false);

    /// <summary>
    /// Closes the task. A data-fix task whose record still breaks its rule stays open: ticking it off would hide the
    /// problem, not fix it.
    /// </summary>
    public void Complete(DateTime now, bool stillFailing)
    {
        if (!IsOpen) throw new DomainException("Задача уже закрыта.");
        if (FixRule is { } rule && stillFailing)
            throw new DomainException(new UserText("Задачу нельзя закрыть: запись всё ещё нарушает правило «{0}». Сначала исправьте данные.", Quality.QualityCatalogue.Of(rule).Title));
        Status = TaskState.Done;
        CompletedAt = now;
        Raise(new TaskChanged(this, now));
    }

    public void Cancel(DateTime now)
    {
        if (!IsOpen) throw new DomainException("Задача уже закрыта.");
        Status = TaskState.Cancelled;
        CompletedAt = now;
        Raise(new TaskChanged(this, now));
    }

    public void Reassign(int assigneeId, DateTime now)
    {
        if (!IsOpen) throw new DomainException("Задача уже закрыта.");
        var from = AssigneeId;
        AssigneeId = assigneeId;
        Raise(new TaskChanged(this, now, from));
    }

    private static DateTime CheckDue(DateTime dueAt, DateTime now)
    {
        if (dueAt < now.AddMinutes(-1)) throw new DomainException("Срок задачи уже прошёл.", nameof(DueAt));
        if (dueAt > now.AddYears(2)) throw new DomainException("Срок задачи — не дальше двух лет.", nameof(DueAt));
        return dueAt;
    }
}

public enum TaskKind
{
    FollowUp = 1,
    ReviveDeal = 2,
    Renewal = 3,
    DataFix = 4,
    Development = 5,
    Approval = 6,
    /// <summary>Call back a client or lead whose call was missed (the speed-to-lead clock runs from the call).</summary>
    Callback = 7,
    /// <summary>A meeting with the client at a time and place (see <see cref="TaskItem.Meeting"/>).</summary>
    Meeting = 8,
    /// <summary>Any other piece of work a person plans for themselves or a colleague; not a step with the client.</summary>
    General = 9,
}

public enum TaskState
{
    Open = 1,
    Done = 2,
    Cancelled = 3,
}

public static class TaskTexts
{
    public static string Russian(this TaskKind kind) => kind switch
    {
        TaskKind.FollowUp => "Следующий шаг",
        TaskKind.ReviveDeal => "Реанимация сделки",
        TaskKind.Renewal => "Продление",
        TaskKind.DataFix => "Исправление данных",
        TaskKind.Development => "Развитие",
        TaskKind.Approval => "Согласование",
        TaskKind.Callback => "Перезвонить",
        TaskKind.Meeting => "Встреча",
        TaskKind.General => "Задача",
        _ => kind.ToString(),
    };

    public static string Russian(this TaskState state) => state switch
    {
        TaskState.Open => "Открыта",
        TaskState.Done => "Выполнена",
        TaskState.Cancelled => "Отменена",
        _ => state.ToString(),
    };
}

/// <summary>A task was created or changed; <paramref name="FromAssigneeId"/> is the previous assignee of a reassigned task.</summary>
public sealed record TaskChanged(TaskItem Task, DateTime OccurredAt, int? FromAssigneeId = null) : IDomainEvent;
