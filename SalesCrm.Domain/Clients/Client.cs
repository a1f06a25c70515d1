using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Clients;

/// <summary>A client company (юрлицо) or individual entrepreneur.</summary>
public sealed class Client : Entity, IVersioned
{
    private readonly List<Contact> _contacts = [];
    private readonly List<ClientSignal> _signals = [];
    private readonly List<PremiumLossYear> _premiumLossYears = [];
    private readonly List<Leads.Assignment> _assignments = [];

    private Client() { }

    /// <summary>A new client entered through the CRM: the INN must be valid.</summary>
    public Client(string name, Inn inn, string? kpp, string industry, string region, ClientSegment segment,
        int ownerId, DateTime now)
    {
        SetName(name);
        Inn = inn.Value;
        SetRequisites(kpp, industry, region, segment);
        OwnerId = ownerId;
        CreatedAt = now;
    }

    /// <summary>
    /// A record carried over from a legacy system as it was: its INN is kept even when it fails the
    /// checksum, so that the data-quality audit can find it and somebody fixes it.
    /// </summary>
    public static Client FromLegacy(string name, string? rawInn, string? kpp, string industry, string region,
        ClientSegment segment, int ownerId, DateTime createdAt)
    {
        var client = new Client { CreatedAt = createdAt, OwnerId = ownerId, Inn = rawInn?.Trim() };
        client.SetName(name);
        client.SetRequisites(kpp, industry, region, segment);
        return client;
    }

    public string Name { get; private set; } = "";
    /// <summary>As stored; may fail the checksum for legacy records (see <see cref="FromLegacy"/>).</summary>
    public string? Inn { get; private set; }
    public string? Kpp { get; private set; }
    public string Industry { get; private set; } = "";
    public string Region { get; private set; } = "";
    public ClientSegment Segment { get; private set; }
    public bool IsKeyClient { get; private set; }
    public int OwnerId { get; private set; }
    public string? Phone { get; private set; }
    public string? Email { get; private set; }
    public string? Address { get; private set; }
    /// <summary>Number of branches: the LTV potential of insuring them too.</summary>
    public int Branches { get; private set; }
    public RiskLevel Risk { get; private set; } = RiskLevel.Unknown;
    public RiskIndices? RiskIndices { get; private set; }
    public string? RiskSource { get; private set; }
    public DateTime? RiskUpdatedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public int Version { get; set; }
    /// <summary>Set when this record was merged into another (the survivor): it is kept for history, hidden from lists.</summary>
    public int? MergedIntoId { get; private set; }
    public DateTime? MergedAt { get; private set; }

    public IReadOnlyList<Contact> Contacts => _contacts;
    public IReadOnlyList<ClientSignal> Signals => _signals;
    public IReadOnlyList<PremiumLossYear> PremiumLossYears => _premiumLossYears;
    public IReadOnlyList<Leads.Assignment> Assignments => _assignments;

    public bool HasValidInn => Common.Inn.IsValid(Inn);

    /// <summary>Lower-cased name for case-insensitive search on every provider (SQLite folds only ASCII).</summary>
    public string NameLower { get; private set; } = "";

    public void SetName(string name)
    {
        Name = Guard.Required(name, nameof(Name), "Наименование", 300);
        NameLower = Name.ToLowerInvariant();
    }

    public void ChangeInn(Inn inn) => Inn = inn.Value;

    public void SetRequisites(string? kpp, string industry, string region, ClientSegment segment)
    {
        var k = Guard.Optional(kpp, nameof(Kpp), "КПП", 9);
        if (k is not null && (k.Length != 9 || !k.All(char.IsAsciiDigit)))
            throw new DomainException("КПП состоит из 9 цифр.", nameof(Kpp));
        Kpp = k;
        Industry = Guard.Required(industry, nameof(Industry), "Отрасль", 100);
        Region = Guard.Required(region, nameof(Region), "Регион", 100);
        if (!Enum.IsDefined(segment)) throw new DomainException("Выберите сегмент клиента.", nameof(Segment));
        Segment = segment;
    }

    public void SetContacts(string? phone, string? email, string? address)
    {
        if (Common.Phone.Validate(phone) is { } pe) throw new DomainException(pe, nameof(Phone));
        if (Common.Email.Validate(email) is { } ee) throw new DomainException(ee, nameof(Email));
        Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        Email = Guard.Optional(email, nameof(Email), "E-mail", 256);
        Address = Guard.Optional(address, nameof(Address), "Адрес", 500);
    }

    public void SetBranches(int branches)
    {
        if (branches is < 0 or > 100_000) throw new DomainException("Число филиалов указано неверно.", nameof(Branches));
        Branches = branches;
    }

    /// <summary>What an import knows and this card does not: only blanks are filled, nothing entered here is overwritten.</summary>
    public void FillBlanks(string? inn, string? phone, string? email, string? address)
    {
        if (string.IsNullOrWhiteSpace(Inn) && Common.Inn.IsValid(inn)) Inn = inn!.Trim();
        if (Phone is null && Common.Phone.Normalize(phone) is not null) Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        if (Email is null && Common.Email.Validate(email) is null) Email = Guard.Optional(email, nameof(Email), "E-mail", 256);
        if (Address is null && address is { Length: <= 500 }) Address = Guard.Optional(address, nameof(Address), "Адрес", 500);
    }

    public void MarkKey(bool isKey) => IsKeyClient = isKey;

    /// <summary>
    /// Takes over what <paramref name="duplicate"/> knows and this record does not (a valid INN, KPP, phone, e-mail,
    /// address, risk, branches, the key-client mark) and marks the duplicate as merged into this one. Contacts, deals and
    /// the rest are moved by the caller; nothing of the duplicate is deleted.
    /// </summary>
    public void Absorb(Client duplicate, DateTime now)
    {
        if (duplicate.Id == Id) throw new DomainException("Нельзя объединить клиента с самим собой.");
        if (duplicate.MergedIntoId is not null) throw new DomainException("Этот клиент уже объединён с другим.");
        if (MergedIntoId is not null) throw new DomainException("Основной клиент сам уже объединён с другим — выберите действующую карточку.");
        if (!HasValidInn && duplicate.HasValidInn) Inn = duplicate.Inn;
        Kpp ??= duplicate.Kpp;
        Phone ??= duplicate.Phone;
        Email ??= duplicate.Email;
        Address ??= duplicate.Address;
        if (string.IsNullOrWhiteSpace(Industry)) Industry = duplicate.Industry;
        if (string.IsNullOrWhiteSpace(Region)) Region = duplicate.Region;
        if (RiskIndices is null && duplicate.RiskIndices is { } risk) UpdateRisk(risk, duplicate.RiskSource ?? "", duplicate.RiskUpdatedAt ?? now);
        Branches = Math.Max(Branches, duplicate.Branches);
        IsKeyClient |= duplicate.IsKeyClient;
        duplicate.MergedIntoId = Id;
        duplicate.MergedAt = now;
    }

    /// <summary>A hand-over from the legacy system's history (no reason was recorded there).</summary>
    public void HandOverFromLegacy(int toManagerId, int byManagerId, DateTime at)
    {
        if (toManagerId == OwnerId) return;
        _assignments.Add(Leads.Assignment.FromLegacy(Leads.AssignmentSubject.Client, OwnerId, toManagerId, byManagerId, at));
        OwnerId = toManagerId;
    }

    /// <summary>Hands the client to another manager with a reason from the catalogue.</summary>
    public Leads.Assignment Reassign(int toManagerId, Leads.AssignmentReason reason, string? comment, int? byManagerId,
        string? rule, DateTime now)
    {
        if (toManagerId == OwnerId) throw new DomainException("Клиент уже у этого менеджера.", nameof(OwnerId));
        var assignment = Leads.Assignment.For(Leads.AssignmentSubject.Client, OwnerId, toManagerId, reason, comment,
            byManagerId, rule, now);
        OwnerId = toManagerId;
        _assignments.Add(assignment);
        return assignment;
    }

    /// <summary>Counterparty risk from SPARK or another provider: indices 1..99, the level follows.</summary>
    public void UpdateRisk(RiskIndices indices, string source, DateTime at)
    {
        RiskIndices = indices;
        Risk = indices.Level;
        RiskSource = Guard.Required(source, nameof(RiskSource), "Источник", 100);
        RiskUpdatedAt = at;
    }

    public Contact AddContact(string fullName, string? position, string? phone, string? email, bool isDecisionMaker,
        DateTime now)
    {
        var contact = new Contact(fullName, position, phone, email);
        if (isDecisionMaker) MakeDecisionMaker(contact, now);
        _contacts.Add(contact);
        return contact;
    }

    /// <summary>
    /// Marks the decision-maker (ЛПР). Replacing an existing one is a churn signal and is recorded as such.
    /// </summary>
    public void MakeDecisionMaker(Contact contact, DateTime now)
    {
        var previous = _contacts.FirstOrDefault(c => c.IsDecisionMaker && !ReferenceEquals(c, contact));
        if (previous is not null)
        {
            previous.SetDecisionMaker(false, now);
            _signals.Add(new ClientSignal(ClientSignalKind.DecisionMakerChange, now,
                $"ЛПР сменился: {previous.FullName} → {contact.FullName}"));
        }
        contact.SetDecisionMaker(true, now);
    }

    public ClientSignal RecordSignal(ClientSignalKind kind, DateTime at, string? comment)
    {
        var signal = new ClientSignal(kind, at, comment);
        _signals.Add(signal);
        return signal;
    }

    /// <summary>Premiums and losses paid for one year; one row per year.</summary>
    public PremiumLossYear RecordPremiumLoss(int year, Money premiums, Money losses)
    {
        if (premiums.Kopecks < 0 || losses.Kopecks < 0)
            throw new DomainException("Премии и убытки не могут быть отрицательными.");
        var row = _premiumLossYears.FirstOrDefault(r => r.Year == year);
        if (row is null)
        {
            row = new PremiumLossYear(year, premiums, losses);
            _premiumLossYears.Add(row);
        }
        else row.Update(premiums, losses);
        return row;
    }
}

public enum ClientSegment
{
    Small = 1,
    Medium = 2,
    Large = 3,
    Enterprise = 4,
}

public enum RiskLevel
{
    Unknown = 0,
    Low = 1,
    Medium = 2,
    High = 3,
}

/// <summary>SPARK-style indices, each 1..99 (higher is riskier).</summary>
public sealed record RiskIndices(int DueDiligence, int FinancialRisk, int PaymentDiscipline)
{
    /// <summary>High if any index is in the high band (≥ 70), medium if any is ≥ 40, otherwise low.</summary>
    public RiskLevel Level
    {
        get
        {
            var max = Math.Max(DueDiligence, Math.Max(FinancialRisk, PaymentDiscipline));
            return max >= 70 ? RiskLevel.High : max >= 40 ? RiskLevel.Medium : RiskLevel.Low;
        }
    }
}
