namespace SalesCrm.Domain.Common;

/// <summary>One changed field of one record: who, when, what it was and what it became.</summary>
public sealed class AuditEntry
{
    private AuditEntry() { }

    public AuditEntry(string entityType, string entityId, AuditAction action, string? field, string? oldValue,
        string? newValue, int? actorId, string actorName, DateTime at)
    {
        EntityType = entityType;
        EntityId = entityId;
        Action = action;
        Field = field;
        OldValue = Truncate(oldValue);
        NewValue = Truncate(newValue);
        ActorId = actorId;
        ActorName = actorName;
        At = at;
    }

    public long Id { get; private set; }
    public string EntityType { get; private set; } = "";
    public string EntityId { get; private set; } = "";
    public AuditAction Action { get; private set; }
    public string? Field { get; private set; }
    public string? OldValue { get; private set; }
    public string? NewValue { get; private set; }
    /// <summary>The staff member (manager profile id) who made the change; null for the system.</summary>
    public int? ActorId { get; private set; }
    public string ActorName { get; private set; } = "";
    public DateTime At { get; private set; }

    public const int MaxValueLength = 1000;

    private static string? Truncate(string? value) =>
        value is { Length: > MaxValueLength } ? value[..(MaxValueLength - 1)] + "…" : value;
}

public enum AuditAction
{
    Created = 1,
    Modified = 2,
    Deleted = 3,
    /// <summary>Not a change: a read that matters (an export).</summary>
    Accessed = 4,
    /// <summary>Somebody asked for a record or page they may not see.</summary>
    AccessDenied = 5,
    SignIn = 6,
    SignInFailed = 7,
    /// <summary>Something happened to an account's sign-in: signed out, password changed or reset, sessions ended, unlocked.</summary>
    Account = 8,
}
