namespace SalesCrm.Domain.Teams;

/// <summary>The Identity roles of docs/features.md. The names are the role names stored by Identity.</summary>
public enum StaffRole
{
    Manager = 1,
    TeamLead = 2,
    Head = 3,
    Underwriter = 4,
    Admin = 5,
}

public enum ExperienceLevel
{
    Junior = 1,
    Middle = 2,
    Senior = 3,
}

public static class StaffRoleNames
{
    public const string Manager = nameof(StaffRole.Manager);
    public const string TeamLead = nameof(StaffRole.TeamLead);
    public const string Head = nameof(StaffRole.Head);
    public const string Underwriter = nameof(StaffRole.Underwriter);
    public const string Admin = nameof(StaffRole.Admin);

    public static string Russian(StaffRole role) => role switch
    {
        StaffRole.Manager => "Менеджер по продажам",
        StaffRole.TeamLead => "Старший менеджер",
        StaffRole.Head => "Начальник отдела",
        StaffRole.Underwriter => "Андеррайтер",
        StaffRole.Admin => "Администратор",
        _ => role.ToString(),
    };
}

/// <summary>Every session of a sign-in account ended (signed out, password changed or reset, deactivated): its pages close.</summary>
public sealed record SessionsEnded(string UserId, DateTime OccurredAt) : Common.IDomainEvent;
