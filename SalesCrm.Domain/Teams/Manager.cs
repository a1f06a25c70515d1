using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Teams;

/// <summary>
/// A staff member's profile: who they are in the sales department and what work suits them
/// (territories, industries, product specialisations, experience, capacity, absences).
/// Every signed-in user has one, whatever the role.
/// </summary>
public sealed class Manager : Entity
{
    private readonly List<Absence> _absences = [];

    private Manager() { }

    public Manager(string userId, string fullName, string email, StaffRole role, int? teamId, DateTime hiredOn)
    {
        UserId = Guard.Required(userId, nameof(UserId), "Пользователь", 450);
        Rename(fullName);
        Email = Guard.Required(email, nameof(Email), "E-mail", 256);
        Role = role;
        TeamId = teamId;
        HiredOn = hiredOn.Date;
    }

    /// <summary>The Identity user this profile belongs to.</summary>
    public string UserId { get; private set; } = "";
    public string FullName { get; private set; } = "";
    public string Email { get; private set; } = "";
    public StaffRole Role { get; private set; }
    public int? TeamId { get; private set; }
    public Team? Team { get; private set; }
    public string? Phone { get; private set; }
    /// <summary>Telephony extension, to match calls to the manager.</summary>
    public string? Extension { get; private set; }
    public ExperienceLevel Experience { get; private set; } = ExperienceLevel.Middle;
    /// <summary>How many open deals the manager can carry well.</summary>
    public int Capacity { get; private set; } = 60;
    public DateTime HiredOn { get; private set; }
    public bool IsActive { get; private set; } = true;
    public List<string> Territories { get; private set; } = [];
    public List<string> Industries { get; private set; } = [];
    /// <summary>Codes of the products the manager specialises in.</summary>
    public List<string> ProductSpecializations { get; private set; } = [];
    public IReadOnlyList<Absence> Absences => _absences;
    /// <summary>Also send notifications by e-mail (when SMTP is configured).</summary>
    public bool EmailNotifications { get; private set; }
    /// <summary>Kinds of notification that go to the bell only, without a pop-up toast.</summary>
    public List<string> QuietKinds { get; private set; } = [];

    public bool IsSeller => Role is StaffRole.Manager or StaffRole.TeamLead;

    public void Rename(string fullName) => FullName = Guard.Required(fullName, nameof(FullName), "ФИО", 200);

    public void MoveToTeam(int? teamId) => TeamId = teamId;

    public void ChangeEmail(string email) => Email = Guard.Required(email, nameof(Email), "E-mail", 256);

    public void ChangeRole(StaffRole role) => Role = role;

    public void SetContacts(string? phone, string? extension)
    {
        if (Common.Phone.Validate(phone) is { } error) throw new DomainException(error, nameof(Phone));
        Phone = Guard.Optional(phone, nameof(Phone), "Телефон", 40);
        Extension = Guard.Optional(extension, nameof(Extension), "Добавочный", 20);
    }

    public void SetProfile(ExperienceLevel experience, int capacity, IEnumerable<string> territories,
        IEnumerable<string> industries, IEnumerable<string> productCodes)
    {
        if (capacity is < 1 or > 1000)
            throw new DomainException("Ёмкость — от 1 до 1000 открытых сделок.", nameof(Capacity));
        Experience = experience;
        Capacity = capacity;
        Territories = Clean(territories);
        Industries = Clean(industries);
        ProductSpecializations = Clean(productCodes);
    }

    private static List<string> Clean(IEnumerable<string> values) =>
        values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public void SetNotificationPreferences(bool email, IEnumerable<string> quietKinds)
    {
        EmailNotifications = email;
        QuietKinds = Clean(quietKinds);
    }

    public void Deactivate() => IsActive = false;

    public void Activate() => IsActive = true;

    /// <summary>Records a vacation, sick leave or training; overlapping absences are refused.</summary>
    public Absence AddAbsence(DateTime from, DateTime to, AbsenceKind kind)
    {
        if (to.Date < from.Date) throw new DomainException("Дата окончания раньше даты начала.", "To");
        if ((to.Date - from.Date).TotalDays > 366) throw new DomainException("Отсутствие длиннее года — проверьте даты.", "To");
        if (_absences.Any(a => a.From <= to.Date && from.Date <= a.To))
            throw new DomainException("Отсутствие пересекается с уже запланированным.", "From");
        var absence = new Absence(from.Date, to.Date, kind);
        _absences.Add(absence);
        return absence;
    }

    public void RemoveAbsence(Absence absence) => _absences.Remove(absence);

    public bool IsAbsentOn(DateTime day) => _absences.Any(a => a.Covers(day));
}

/// <summary>A period the manager is away (dates inclusive).</summary>
public sealed class Absence
{
    private Absence() { }

    internal Absence(DateTime from, DateTime to, AbsenceKind kind)
    {
        From = from;
        To = to;
        Kind = kind;
    }

    public int Id { get; private set; }
    public DateTime From { get; private set; }
    public DateTime To { get; private set; }
    public AbsenceKind Kind { get; private set; }

    public bool Covers(DateTime day) => From <= day.Date && day.Date <= To;
}

public enum AbsenceKind
{
    Vacation = 1,
    SickLeave = 2,
    Training = 3,
    BusinessTrip = 4,
}
