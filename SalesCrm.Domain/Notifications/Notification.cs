using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;

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

    /// <summary>
    /// "You were handed …": the one text of every hand-over (a lead, a deal, a client, a colleague's work) — the reason from
    /// the catalogue, the comment when there is one, and who handed it over when a person did.
    /// </summary>
    public static Notification HandOver(int recipientId, string title, AssignmentReason reason, string? comment, string? by,
        string link, DateTime now)
    {
        var body = reason.Russian() + (string.IsNullOrWhiteSpace(comment) ? "" : ": " + comment.Trim()) + (by is null ? "" : " — " + by);
        return new Notification(recipientId, NotificationKind.Assignment, title, body, link, null, now);
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

/// <summary>
/// How the bell shows a kind. A request to a person — help asked on a deal, an approval, new work, a task, a lead to call —
/// is shown one by one and first. Routine alerts that a scan raises in numbers (stuck deals, contracts coming up for
/// renewal) are one line per kind with their count, so a request for help is never buried under them.
/// </summary>
public static class NotificationKinds
{
    public static bool IsRoutine(NotificationKind kind) => kind is NotificationKind.StuckDeal or NotificationKind.Renewal;

    public static readonly IReadOnlyList<NotificationKind> Routine = [NotificationKind.StuckDeal, NotificationKind.Renewal];
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
    /// <summary>A colleague mentioned the recipient in a comment on a deal or a client.</summary>
    Mention = 8,
    /// <summary>A client opened a proposal (КП) the recipient sent.</summary>
    Proposal = 9,
    System = 99,
}

public sealed record NotificationCreated(Notification Notification, DateTime OccurredAt) : IDomainEvent;
