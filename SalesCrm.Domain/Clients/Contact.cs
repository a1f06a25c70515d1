using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Clients;

/// <summary>A person at a client.</summary>
public sealed class Contact
{
    private Contact() { }

    internal Contact(string fullName, string? position, string? phone, string? email) =>
        Update(fullName, position, phone, email);

    public int Id { get; private set; }
    public int ClientId { get; private set; }
    public string FullName { get; private set; } = "";
    public string? Position { get; private set; }
    public string? Phone { get; private set; }
    /// <summary>Digits only, for matching calls and duplicates.</summary>
    public string? PhoneNormalized { get; private set; }
    public string? Email { get; private set; }
    /// <summary>ЛПР — the person who decides.</summary>
    public bool IsDecisionMaker { get; private set; }
    public DateTime? DecisionMakerChangedAt { get; private set; }

    public void Update(string fullName, string? position, string? phone, string? email)
    {
        if (Common.Phone.Validate(phone) is { } pe) throw new DomainException(pe, nameof(Phone));
        if (Common.Email.Validate(email) is { } ee) throw new DomainException(ee, nameof(Email));
        FullName = Guard.Required(fullName, nameof(FullName), "ФИО контакта", 200);
        Position = Guard.Optional(position, nameof(Position), "Должность", 200);
        Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        PhoneNormalized = Common.Phone.Normalize(phone);
        Email = Guard.Optional(email, nameof(Email), "E-mail", 256);
    }

    internal void SetDecisionMaker(bool value, DateTime now)
    {
        if (IsDecisionMaker == value) return;
        IsDecisionMaker = value;
        DecisionMakerChangedAt = now;
    }
}

/// <summary>A churn signal recorded on the client: a complaint or a change of decision-maker.</summary>
public sealed class ClientSignal
{
    private ClientSignal() { }

    internal ClientSignal(ClientSignalKind kind, DateTime at, string? comment)
    {
        Kind = kind;
        At = at;
        Comment = Guard.Optional(comment, nameof(Comment), "Комментарий", 2000);
    }

    public int Id { get; private set; }
    public int ClientId { get; private set; }
    public ClientSignalKind Kind { get; private set; }
    public DateTime At { get; private set; }
    public string? Comment { get; private set; }
}

public enum ClientSignalKind
{
    Complaint = 1,
    DecisionMakerChange = 2,
}

/// <summary>Premiums and losses paid by a client in one year (история премий/убытков).</summary>
public sealed class PremiumLossYear
{
    private PremiumLossYear() { }

    internal PremiumLossYear(int year, Money premiums, Money losses)
    {
        if (year is < 1990 or > 2100) throw new DomainException("Год указан неверно.", nameof(Year));
        Year = year;
        Update(premiums, losses);
    }

    public int Id { get; private set; }
    public int ClientId { get; private set; }
    public int Year { get; private set; }
    public long PremiumsKopecks { get; private set; }
    public long LossesKopecks { get; private set; }

    /// <summary>Losses ÷ premiums; null when nothing was paid.</summary>
    public double? LossRatio => PremiumsKopecks == 0 ? null : (double)LossesKopecks / PremiumsKopecks;

    internal void Update(Money premiums, Money losses)
    {
        PremiumsKopecks = premiums.Kopecks;
        LossesKopecks = losses.Kopecks;
    }
}
