using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Activities;

/// <summary>A call, meeting, e-mail, message or note, linked to a deal, a client or a lead.</summary>
public sealed class Activity : Entity
{
    private Activity() { }

    public Activity(ActivityKind kind, DateTime occurredAt, int authorId, int? dealId, int? clientId, int? leadId,
        ActivityDirection direction, int durationMinutes, string? outcome, string? comment, IEnumerable<string>? tags,
        DateTime now)
    {
        if (!Enum.IsDefined(kind)) throw new DomainException("Выберите тип активности.", nameof(Kind));
        if (dealId is null && clientId is null && leadId is null)
            throw new DomainException("Активность должна относиться к сделке, клиенту или лиду.");
        if (occurredAt > now.AddMinutes(5) && kind != ActivityKind.Meeting)
            throw new DomainException("Звонок, письмо или заметка не могут быть в будущем.", nameof(OccurredAt));
        if (occurredAt < now.AddYears(-5)) throw new DomainException("Дата активности слишком давняя.", nameof(OccurredAt));
        if (durationMinutes is < 0 or > 24 * 60)
            throw new DomainException("Длительность — от 0 до 1440 минут.", nameof(DurationMinutes));
        if (kind == ActivityKind.Note && string.IsNullOrWhiteSpace(comment))
            throw new DomainException("Заметка не может быть пустой.", nameof(Comment));
        Kind = kind;
        OccurredAt = occurredAt;
        AuthorId = authorId;
        DealId = dealId;
        ClientId = clientId;
        LeadId = leadId;
        Direction = direction;
        DurationMinutes = durationMinutes;
        Outcome = Guard.Optional(outcome, nameof(Outcome), "Результат", 500);
        Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 4000);
        Tags = tags?.Select(t => t.Trim()).Where(t => t.Length is > 0 and <= 50).Distinct().ToList() ?? [];
        CreatedAt = now;
        Raise(new ActivityLogged(this, now));
    }

    /// <summary>A call reported by the telephony system.</summary>
    public static Activity FromCall(string callId, ActivityDirection direction, DateTime startedAt, int durationSeconds,
        bool missed, string? recordingUrl, int authorId, int? dealId, int? clientId, int? leadId, DateTime now,
        string? comment = null)
    {
        var activity = new Activity(ActivityKind.Call, startedAt, authorId, dealId, clientId, leadId, direction,
            (int)Math.Ceiling(durationSeconds / 60.0), missed ? "Пропущен" : null, comment, null, now)
        {
            CallId = Guard.Required(callId, nameof(CallId), "Идентификатор звонка", 100),
            IsMissed = missed,
            RecordingUrl = Guard.Optional(recordingUrl, nameof(RecordingUrl), "Запись", 1000),
        };
        return activity;
    }

    /// <summary>
    /// A message or letter that came in or went out through a channel (a Telegram bot, the shared mailbox); its
    /// <paramref name="messageId"/> — <c>telegram:{bot}:{update}</c>, an e-mail's Message-ID — is unique, so a message
    /// delivered twice is one activity, and an e-mail reply finds the letter it answers.
    /// </summary>
    public static Activity FromMessage(ActivityKind kind, string messageId, ActivityDirection direction, DateTime at, int authorId,
        int? dealId, int? clientId, int? leadId, string? outcome, string? text, DateTime now)
    {
        if (kind is not (ActivityKind.Message or ActivityKind.Email)) throw new DomainException("Сообщение — это письмо или сообщение мессенджера.", nameof(Kind));
        if (at > now) at = now;
        if (at < now.AddYears(-5)) at = now;
        return new Activity(kind, at, authorId, dealId, clientId, leadId, direction, 0, outcome,
            text is { Length: > 4000 } ? text[..3999] + "…" : text, null, now)
        {
            MessageId = Guard.Required(messageId, nameof(MessageId), "Идентификатор сообщения", 300),
        };
    }

    public ActivityKind Kind { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public int AuthorId { get; private set; }
    public int? DealId { get; private set; }
    public int? ClientId { get; private set; }
    public int? LeadId { get; private set; }
    public ActivityDirection Direction { get; private set; }
    public int DurationMinutes { get; private set; }
    public string? Outcome { get; private set; }
    public string? Comment { get; private set; }
    /// <summary>Free tags, e.g. "возражение отработано", "успешный кейс".</summary>
    public List<string> Tags { get; private set; } = [];
    public string? CallId { get; private set; }
    public string? MessageId { get; private set; }
    public string? RecordingUrl { get; private set; }

    /// <summary>The PBX's recording of this call became available (it is announced apart from the call).</summary>
    public void AttachRecording(string url)
    {
        if (Kind != ActivityKind.Call) throw new DomainException("Запись бывает только у звонка.", nameof(RecordingUrl));
        RecordingUrl = Guard.Required(url, nameof(RecordingUrl), "Запись", 1000);
    }
    public bool IsMissed { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>A contact with the client counts for speed to lead; a note or a missed call does not.</summary>
    public bool IsContact => Kind is ActivityKind.Call or ActivityKind.Meeting or ActivityKind.Email && !IsMissed;
}

public enum ActivityKind
{
    Call = 1,
    Meeting = 2,
    Email = 3,
    Message = 4,
    Note = 5,
}

public enum ActivityDirection
{
    None = 0,
    Inbound = 1,
    Outbound = 2,
}

public static class ActivityTags
{
    public const string ObjectionHandled = "возражение отработано";
    public const string SuccessStory = "успешный кейс";
}

public static class ActivityTexts
{
    public static string Russian(this ActivityKind kind) => kind switch
    {
        ActivityKind.Call => "Звонок",
        ActivityKind.Meeting => "Встреча",
        ActivityKind.Email => "Письмо",
        ActivityKind.Message => "Сообщение",
        ActivityKind.Note => "Заметка",
        _ => kind.ToString(),
    };

    public static string Russian(this ActivityDirection direction) => direction switch
    {
        ActivityDirection.Inbound => "Входящий",
        ActivityDirection.Outbound => "Исходящий",
        _ => "",
    };
}

public sealed record ActivityLogged(Activity Activity, DateTime OccurredAt) : IDomainEvent;
