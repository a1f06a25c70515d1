using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Notifications;

/// <summary>An entry in a person's bell: a new assignment, a stuck deal, a decision on a request…</summary>
public sealed class Notification : Entity
{
    private Notification() { }

    public Notification(int recipientId, NotificationKind kind, string title, string? body, string? link,
        string? dedupKey, DateTime now)
    {
        RecipientId = recipientId;
        Kind = kind;
        // Title and body are composed by the app around what someone typed (a task's title, a justification): they are
        // cut to fit, never a reason to refuse that person's save.
        Title = Guard.Fit(title, 300) ?? throw new DomainException("Уведомление без заголовка.", nameof(Title));
        Body = Guard.Fit(body, 2000);
        Link = Guard.Optional(link, nameof(Link), "Ссылка", 500);
        DedupKey = Guard.Optional(dedupKey, nameof(DedupKey), "Ключ", 200);
        CreatedAt = now;
        Raise(new NotificationCreated(this, now));
    }

    public int RecipientId { get; private set; }
    public NotificationKind Kind { get; private set; }
    public string Title { get; private set; } = "";
    public string? Body { get; private set; }
    public string? Link { get; private set; }
    /// <summary>Makes an alert unique (e.g. one stuck alert per deal per stage entry).</summary>
    public string? DedupKey { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReadAt { get; private set; }

    public void MarkRead(DateTime now) => ReadAt ??= now;
}

public enum NotificationKind
{
    Assignment = 1,
    StuckDeal = 2,
    Approval = 3,
    Task = 4,
    SpeedToLead = 5,
    Renewal = 6,
    Escalation = 7,
    System = 99,
}

public sealed record NotificationCreated(Notification Notification, DateTime OccurredAt) : IDomainEvent;
