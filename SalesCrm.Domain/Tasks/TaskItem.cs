using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Tasks;

/// <summary>
/// A task (задача). An open task linked to a deal and due in the future is that deal's
/// <b>next step</b>: "no next step — no deal".
/// </summary>
public sealed class TaskItem : Entity
{
    private TaskItem() { }

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

    /// <summary>A task that already existed before (imported history): its due date may be in the past.</summary>
    public static TaskItem FromHistory(TaskKind kind, string title, int assigneeId, int authorId, DateTime dueAt,
        int? dealId, int? clientId, DateTime createdAt, DateTime? completedAt)
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

    public void Complete(DateTime now)
    {
        if (!IsOpen) throw new DomainException("Задача уже закрыта.");
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
        AssigneeId = assigneeId;
        Raise(new TaskChanged(this, now));
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

public sealed record TaskChanged(TaskItem Task, DateTime OccurredAt) : IDomainEvent;
