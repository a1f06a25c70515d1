using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Integrations;

/// <summary>The doors through which other systems send the CRM their news.</summary>
public enum Connector
{
    /// <summary><c>POST /api/leads</c>.</summary>
    LeadsApi = 1,
    /// <summary>Tilda's form webhook.</summary>
    Tilda = 2,
    /// <summary>The forms of the administration (embeddable or the site's own).</summary>
    WebForms = 3,
    /// <summary>The generic signed telephony webhook.</summary>
    Telephony = 4,
    MangoOffice = 5,
    Zadarma = 6,
    /// <summary>The company's Telegram bot: updates in, answers out.</summary>
    Telegram = 7,
    /// <summary>The shared mailbox: letters read over IMAP, answers sent over SMTP.</summary>
    Email = 8,
}

/// <summary>
/// How a connector is doing, for the administration: when it last brought something in, how much, and its last failure —
/// what was refused and why. Each node adds what it saw since it last wrote.
/// </summary>
public sealed class ConnectorState : Entity
{
    private ConnectorState()
    {
    }

    public ConnectorState(Connector connector)
    {
        if (!Enum.IsDefined(connector)) throw new DomainException("Неизвестный канал.", nameof(Connector));
        Connector = connector;
    }

    public Connector Connector { get; private set; }
    public DateTime? LastMessageAt { get; private set; }
    public long Messages { get; private set; }
    public DateTime? LastErrorAt { get; private set; }
    public string? LastError { get; private set; }
    public long Errors { get; private set; }

    /// <summary>Adds what a node saw: the counts add up, the latest moment and the latest failure win.</summary>
    public void Add(long messages, DateTime? lastMessageAt, long errors, DateTime? lastErrorAt, string? lastError)
    {
        Messages += messages;
        Errors += errors;
        if (lastMessageAt is { } m && (LastMessageAt is null || m > LastMessageAt)) LastMessageAt = m;
        if (lastErrorAt is { } e && (LastErrorAt is null || e > LastErrorAt))
        {
            LastErrorAt = e;
            LastError = lastError is { Length: > 500 } text ? text[..500] : lastError;
        }
    }
}
