using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Activities;

/// <summary>The channels a client writes through and a manager answers in: the company's Telegram bot, the shared mailbox.</summary>
public enum MessageChannel
{
    Telegram = 1,
    Email = 2,
}

/// <summary>
/// A person writing to the company's bot: their chat, and whose it is — the lead it created, or the client whose contact
/// they are. Their later messages land in that lead's or client's timeline, and the manager's answers go back to this chat.
/// </summary>
public sealed class MessengerChat : Entity
{
    private MessengerChat()
    {
    }

    public MessengerChat(MessageChannel channel, string externalId, string? name, string? username, DateTime now)
    {
        if (!Enum.IsDefined(channel)) throw new DomainException("Неизвестный канал.", nameof(Channel));
        Channel = channel;
        ExternalId = Guard.Required(externalId, nameof(ExternalId), "Идентификатор чата", 64);
        Name = Guard.Optional(name, nameof(Name), "Имя", 200) ?? "?";
        Username = Guard.Optional(username, nameof(Username), "Имя пользователя", 100);
        CreatedAt = now;
        LastMessageAt = now;
    }

    public MessageChannel Channel { get; private set; }
    /// <summary>The chat's identifier in the channel (Telegram's <c>chat.id</c>).</summary>
    public string ExternalId { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Username { get; private set; }
    public string? Phone { get; private set; }
    public int? LeadId { get; private set; }
    public int? ClientId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime LastMessageAt { get; private set; }
    public int Messages { get; private set; }

    /// <summary>How the chat is shown on a card: the name and, when there is one, the @username.</summary>
    public string Display => Username is null ? Name : $"{Name} (@{Username})";

    /// <summary>The lead the first message created, or the client whose contact wrote.</summary>
    public void BelongsTo(int? leadId, int? clientId)
    {
        if (leadId is null && clientId is null) throw new DomainException("Чат должен относиться к лиду или клиенту.");
        (LeadId, ClientId) = (leadId, clientId);
    }

    /// <summary>A message came: the name follows the person's profile, the phone is kept once they share it.</summary>
    public void Received(string? name, string? username, string? phone, DateTime at)
    {
        if (Guard.Optional(name, nameof(Name), "Имя", 200) is { } n) Name = n;
        Username = Guard.Optional(username, nameof(Username), "Имя пользователя", 100) ?? Username;
        if (Common.Phone.Normalize(phone) is not null) Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        if (at > LastMessageAt) LastMessageAt = at;
        Messages++;
    }
}

public enum OutboundStatus
{
    Pending = 1,
    Sent = 2,
    Failed = 3,
}

/// <summary>
/// A manager's message or letter on its way out (the outbox): written together with its activity, then sent in the
/// background, so a channel that is down loses nothing — the sending is retried with a growing pause
/// (<see cref="Backoff"/>) until it goes out, or fails for good (the channel refused it, or <see cref="MaxAttempts"/>).
/// </summary>
public sealed class OutboundMessage : Entity
{
    public const int MaxAttempts = 20;
    public static readonly TimeSpan MaxPause = TimeSpan.FromHours(1);

    private OutboundMessage()
    {
    }

    public OutboundMessage(MessageChannel channel, string to, string? subject, string body, Activity activity, int authorId, DateTime now,
        string? inReplyTo = null)
    {
        if (!Enum.IsDefined(channel)) throw new DomainException("Неизвестный канал.", nameof(Channel));
        if (string.IsNullOrWhiteSpace(body)) throw new DomainException("Сообщение пустое — напишите текст.", nameof(Body));
        Channel = channel;
        To = Guard.Required(to, nameof(To), "Получатель", 320);
        Subject = Guard.Optional(subject, nameof(Subject), "Тема", 300);
        Body = body.Trim().Length > 20_000 ? throw new DomainException("Сообщение слишком длинное: не больше 20 000 символов.", nameof(Body)) : body.Trim();
        Activity = activity;
        AuthorId = authorId;
        InReplyTo = Guard.Optional(inReplyTo, nameof(InReplyTo), "Ответ на", 300);
        CreatedAt = now;
        NextAttemptAt = now;
        Status = OutboundStatus.Pending;
    }

    public MessageChannel Channel { get; private set; }
    /// <summary>A chat's identifier, or an e-mail address.</summary>
    public string To { get; private set; } = "";
    public string? Subject { get; private set; }
    public string Body { get; private set; } = "";
    public int ActivityId { get; private set; }
    public Activity? Activity { get; private set; }
    public int AuthorId { get; private set; }
    /// <summary>The Message-ID of the letter this one answers (e-mail threading).</summary>
    public string? InReplyTo { get; private set; }
    public OutboundStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    /// <summary>Until when a node is sending it; another node leaves it alone till then.</summary>
    public DateTime? ClaimedUntil { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? SentAt { get; private set; }
    /// <summary>What the channel calls it: Telegram's <c>message_id</c>, the letter's Message-ID.</summary>
    public string? ExternalId { get; private set; }

    /// <summary>The pause after the given number of failed attempts: 15 s, 30 s, 1 min, … up to <see cref="MaxPause"/>.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, 15 * Math.Pow(2, Math.Max(0, attempts - 1))));

    public void Sent(string? externalId, DateTime now)
    {
        Status = OutboundStatus.Sent;
        SentAt = now;
        ExternalId = externalId is { Length: > 300 } ? externalId[..300] : externalId;
        LastError = null;
        ClaimedUntil = null;
        Attempts++;
    }

    /// <summary>
    /// An attempt failed. A refusal for good (<paramref name="final"/>: the chat is gone, the address does not exist) ends it;
    /// otherwise it is tried again after <see cref="Backoff"/>, or after the pause the channel asked for, until
    /// <see cref="MaxAttempts"/>. Returns whether it failed for good.
    /// </summary>
    public bool Failed(string error, bool final, DateTime now, TimeSpan? retryAfter = null)
    {
        Attempts++;
        LastError = error.Length > 1000 ? error[..1000] : error;
        ClaimedUntil = null;
        if (final || Attempts >= MaxAttempts)
        {
            Status = OutboundStatus.Failed;
            return true;
        }
        var pause = Backoff(Attempts);
        NextAttemptAt = now + (retryAfter is { } asked && asked > pause ? asked : pause);
        return false;
    }
}

/// <summary>A file that came with a client's letter, kept with the letter's activity and opened from the card.</summary>
public sealed class MessageAttachment : Entity
{
    /// <summary>A larger file is not kept: the letter's text names it, and it stays in the mailbox.</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    private MessageAttachment()
    {
    }

    public MessageAttachment(Activity activity, string? fileName, string? contentType, byte[] content)
    {
        if (content.LongLength > MaxBytes) throw new DomainException("Вложение больше 10 МБ — оно не сохраняется.", nameof(Content));
        Activity = activity;
        FileName = string.IsNullOrWhiteSpace(fileName) ? "вложение" : fileName.Trim().Length > 255 ? fileName.Trim()[..255] : fileName.Trim(); // not UI text: a stored file name
        ContentType = string.IsNullOrWhiteSpace(contentType) || contentType.Length > 100 ? "application/octet-stream" : contentType;
        Size = content.LongLength;
        Content = content;
    }

    public int ActivityId { get; private set; }
    public Activity? Activity { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public long Size { get; private set; }
    public byte[] Content { get; private set; } = [];
}
