using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Leads;

/// <summary>An inbound request before qualification (лид).</summary>
public sealed class Lead : Entity, IVersioned
{
    private readonly List<Assignment> _assignments = [];

    private Lead() { }

    public Lead(LeadChannel channel, string? companyName, string? inn, string? contactName, string? phone,
        string? email, string? productCode, string? region, string? industry, string? comment,
        IReadOnlyDictionary<string, string>? sourceTags, DateTime now, string? messenger = null)
    {
        if (!Enum.IsDefined(channel)) throw new DomainException("Неизвестный канал заявки.", nameof(Channel));
        if (string.IsNullOrWhiteSpace(inn) && string.IsNullOrWhiteSpace(phone) && string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(messenger))
            throw new DomainException("Нужен хотя бы один способ связи или ИНН: телефон, e-mail или ИНН.", nameof(Phone));
        if (!string.IsNullOrWhiteSpace(inn) && Common.Inn.Validate(inn) is { } innError)
            throw new DomainException(innError, nameof(Inn));
        if (Common.Phone.Validate(phone) is { } phoneError) throw new DomainException(phoneError, nameof(Phone));
        if (Common.Email.Validate(email) is { } emailError) throw new DomainException(emailError, nameof(Email));
        Channel = channel;
        CompanyName = Guard.Optional(companyName, nameof(CompanyName), "Компания", 300);
        Inn = Guard.Optional(inn, nameof(Inn), "ИНН", 12);
        ContactName = Guard.Optional(contactName, nameof(ContactName), "Контактное лицо", 200);
        Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        PhoneNormalized = Common.Phone.Normalize(phone);
        Email = Guard.Optional(email, nameof(Email), "E-mail", 256);
        EmailNormalized = Common.Email.Normalize(email);
        Messenger = Guard.Optional(messenger, nameof(Messenger), "Мессенджер", 100);
        ProductCode = Guard.Optional(productCode, nameof(ProductCode), "Продукт", 50);
        Region = Guard.Optional(region, nameof(Region), "Регион", 100);
        Industry = Guard.Optional(industry, nameof(Industry), "Отрасль", 100);
        Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 4000);
        SourceTags = sourceTags is null ? [] : new Dictionary<string, string>(sourceTags);
        if (SourceTags.Count > 30 || SourceTags.Any(t => t.Key.Length > 100 || t.Value.Length > 500))
            throw new DomainException("Слишком много меток источника или они слишком длинные.", nameof(SourceTags));
        CreatedAt = now;
        Status = LeadStatus.New;
        Raise(new LeadCreated(this, now));
    }

    /// <summary>
    /// A lead carried over from the CRM a team left, with its status and assignee there; nothing is announced (it is not a
    /// new request: no distribution, no speed-to-lead clock).
    /// </summary>
    public static Lead FromImport(LeadChannel channel, string? companyName, string? inn, string? contactName, string? phone, string? email,
        string? comment, LeadStatus status, int? assigneeId, DateTime createdAt, DateTime? closedAt, string source)
    {
        var lead = new Lead(channel, companyName, inn, contactName, phone, email, null, null, null, comment,
            new Dictionary<string, string> { ["import"] = source }, createdAt); // not UI text: the source tag's key
        lead.ClearDomainEvents();
        if (assigneeId is { } assignee)
        {
            lead.AssigneeId = assignee;
            lead.AssignedAt = createdAt;
        }
        switch (status)
        {
            case LeadStatus.InWork:
                lead.Status = LeadStatus.InWork;
                lead.FirstContactAt = createdAt;
                break;
            case LeadStatus.Disqualified:
                lead.Status = LeadStatus.Disqualified;
                lead.DisqualifyReason = $"Закрыт в {source}"; // not UI text: a record of the lead, kept as written
                lead.ClosedAt = closedAt ?? createdAt;
                break;
            case LeadStatus.New:
                break;
            default:
                throw new DomainException("Импортированный лид может быть новым, в работе или закрытым.", nameof(Status));
        }
        return lead;
    }

    public LeadChannel Channel { get; private set; }
    public Dictionary<string, string> SourceTags { get; private set; } = [];
    public string? CompanyName { get; private set; }
    public string? Inn { get; private set; }
    public string? ContactName { get; private set; }
    public string? Phone { get; private set; }
    public string? PhoneNormalized { get; private set; }
    public string? Email { get; private set; }
    public string? EmailNormalized { get; private set; }
    /// <summary>The person's account in a messenger (<c>telegram:123456789</c>) when they wrote to the company's bot.</summary>
    public string? Messenger { get; private set; }
    public string? ProductCode { get; private set; }
    public string? Region { get; private set; }
    public string? Industry { get; private set; }
    public string? Comment { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public int? AssigneeId { get; private set; }
    public DateTime? AssignedAt { get; private set; }
    /// <summary>First call, meeting or e-mail with the lead: the end of the speed-to-lead clock.</summary>
    public DateTime? FirstContactAt { get; private set; }
    public LeadStatus Status { get; private set; }
    public string? DisqualifyReason { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public int? ClientId { get; private set; }
    public int? DealId { get; private set; }
    /// <summary>The team whose queue holds the lead while nobody is assigned (no auto-assignment, or nobody free).</summary>
    public int? QueueTeamId { get; private set; }
    /// <summary>How many times the same person came again (a repeated form, a second e-mail) while the lead was open.</summary>
    public int Touches { get; private set; }
    public DateTime? LastTouchedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<Assignment> Assignments => _assignments;

    public bool IsOpen => Status is LeadStatus.New or LeadStatus.InWork;

    /// <summary>Minutes from creation to first contact; null while nobody has reached the lead.</summary>
    public double? ResponseMinutes => FirstContactAt is { } c ? (c - CreatedAt).TotalMinutes : null;

    /// <summary>The keys that identify the same person arriving again: INN, normalised phone, normalised e-mail, messenger account.</summary>
    public IReadOnlyList<string> DedupKeys() =>
        new[] { Inn is null ? null : "inn:" + Inn, PhoneNormalized is null ? null : "phone:" + PhoneNormalized,
                EmailNormalized is null ? null : "email:" + EmailNormalized, Messenger is null ? null : "messenger:" + Messenger }
            .Where(k => k is not null).Select(k => k!).ToList();

    public Assignment AssignTo(int managerId, AssignmentReason reason, string? comment, int? byManagerId, string? rule,
        DateTime now)
    {
        if (!IsOpen) throw new DomainException("Лид уже закрыт — назначить его нельзя.");
        if (AssigneeId == managerId) throw new DomainException("Лид уже назначен этому менеджеру.", nameof(AssigneeId));
        var assignment = Assignment.For(AssignmentSubject.Lead, AssigneeId, managerId, reason, comment, byManagerId, rule, now);
        var from = AssigneeId;
        AssigneeId = managerId;
        AssignedAt = now;
        QueueTeamId = null;
        _assignments.Add(assignment);
        Raise(new LeadAssigned(this, from, managerId, now));
        return assignment;
    }

    /// <summary>Parks the lead in a team's queue for the team lead to assign.</summary>
    public void QueueFor(int? teamId, DateTime now)
    {
        if (!IsOpen) throw new DomainException("Лид уже закрыт.");
        QueueTeamId = teamId;
        Raise(new LeadQueued(this, now));
    }

    /// <summary>The same person came again: counted on the lead instead of a duplicate.</summary>
    public void Touch(string? comment, DateTime now)
    {
        Touches++;
        LastTouchedAt = now;
        if (!string.IsNullOrWhiteSpace(comment) && Comment is null) Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 4000);
        Raise(new LeadTouched(this, now));
    }

    /// <summary>
    /// The person shared a phone number later (a messenger's contact button): kept when the lead has none yet; returns
    /// whether it was taken, so the caller adds its anti-duplicate key.
    /// </summary>
    public bool SharePhone(string phone)
    {
        if (!IsOpen || Phone is not null || Common.Phone.Validate(phone) is not null || Common.Phone.Normalize(phone) is null) return false;
        Phone = Guard.Required(phone, nameof(Phone), "Телефон", 40);
        PhoneNormalized = Common.Phone.Normalize(phone);
        return true;
    }

    /// <summary>Stops the speed-to-lead clock on the first contact; later contacts change nothing.</summary>
    public void RecordContact(DateTime at)
    {
        if (FirstContactAt is not null && FirstContactAt <= at) return;
        if (at < CreatedAt) at = CreatedAt;
        FirstContactAt = at;
        if (Status == LeadStatus.New) Status = LeadStatus.InWork;
        Raise(new LeadContacted(this, at));
    }

    public void Qualify(int clientId, int dealId, DateTime now)
    {
        if (!IsOpen) throw new DomainException("Лид уже закрыт.");
        ClientId = clientId;
        DealId = dealId;
        Status = LeadStatus.Qualified;
        ClosedAt = now;
        Raise(new LeadClosed(this, now));
    }

    public void Disqualify(string reason, DateTime now)
    {
        if (!IsOpen) throw new DomainException("Лид уже закрыт.");
        DisqualifyReason = Guard.Required(reason, nameof(DisqualifyReason), "Причина дисквалификации", 1000);
        Status = LeadStatus.Disqualified;
        ClosedAt = now;
        Raise(new LeadClosed(this, now));
    }
}

public enum LeadChannel
{
    Website = 1,
    Phone = 2,
    Email = 3,
    Messenger = 4,
    Campaign = 5,
    Referral = 6,
    Partner = 7,
}

public enum LeadStatus
{
    New = 1,
    InWork = 2,
    Qualified = 3,
    Disqualified = 4,
}

public static class LeadTexts
{
    /// <summary>The usual reasons to disqualify a lead (a free text is accepted too).</summary>
    public static IReadOnlyList<string> DisqualifyReasons { get; } =
        ["Нет потребности", "Частное лицо, не наш сегмент", "Дубль заявки", "Не удалось связаться", "Не устроили сроки или цена", "Ушёл к конкуренту"];

    public static string Russian(this LeadChannel channel) => channel switch
    {
        LeadChannel.Website => "Сайт",
        LeadChannel.Phone => "Телефон",
        LeadChannel.Email => "E-mail",
        LeadChannel.Messenger => "Мессенджер",
        LeadChannel.Campaign => "Маркетинговая кампания",
        LeadChannel.Referral => "Рекомендация",
        LeadChannel.Partner => "Партнёр",
        _ => channel.ToString(),
    };

    public static string Russian(this LeadStatus status) => status switch
    {
        LeadStatus.New => "Новый",
        LeadStatus.InWork => "В работе",
        LeadStatus.Qualified => "Квалифицирован",
        LeadStatus.Disqualified => "Дисквалифицирован",
        _ => status.ToString(),
    };
}

public abstract record LeadEvent(Lead Lead, DateTime OccurredAt) : IDomainEvent
{
    public int LeadId => Lead.Id;
}

public sealed record LeadCreated(Lead Lead, DateTime OccurredAt) : LeadEvent(Lead, OccurredAt);

public sealed record LeadAssigned(Lead Lead, int? FromManagerId, int ToManagerId, DateTime OccurredAt)
    : LeadEvent(Lead, OccurredAt);

public sealed record LeadClosed(Lead Lead, DateTime OccurredAt) : LeadEvent(Lead, OccurredAt);

public sealed record LeadQueued(Lead Lead, DateTime OccurredAt) : LeadEvent(Lead, OccurredAt);

public sealed record LeadContacted(Lead Lead, DateTime OccurredAt) : LeadEvent(Lead, OccurredAt);

public sealed record LeadTouched(Lead Lead, DateTime OccurredAt) : LeadEvent(Lead, OccurredAt);
