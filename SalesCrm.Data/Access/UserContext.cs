using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Access;

/// <summary>
/// The signed-in person as the data layer sees them: profile, role, team and whose records they may see.
/// </summary>
public sealed record CurrentUser(int ManagerId, string FullName, string Email, StaffRole Role, int? TeamId,
    IReadOnlyList<int> TeamMemberIds)
{
    public AccessScope Scope => new(ManagerId, Role, TeamId);

    public Actor Actor => new(ManagerId, FullName);

    public bool SeesEverything => Scope.SeesEverything;

    /// <summary>A leader of sales (team lead, head, admin): dashboards, reports, assignment, coaching.</summary>
    public bool LeadsSales => Role is StaffRole.TeamLead or StaffRole.Head or StaffRole.Admin;

    /// <summary>Works in sales — a manager or a leader of sales: leads, tasks and renewals are theirs (not an underwriter's).</summary>
    public bool WorksSales => Role == StaffRole.Manager || LeadsSales;

    /// <summary>Assigns and hands over leads, deals and clients (within what they see); every service and screen asks this.</summary>
    public bool CanAssign => LeadsSales;

    /// <summary>Loads counterparty-risk files for the clients they see.</summary>
    public bool ImportsRisk => LeadsSales;

    /// <summary>Sets up the department (head, admin): stages, catalogues, the production calendar, who may change plans and hours.</summary>
    public bool ConfiguresDepartment => Role is StaffRole.Head or StaffRole.Admin;

    /// <summary>Decides discount requests at some level of the approval chain (team lead, head, underwriter).</summary>
    public bool DecidesApprovals => Domain.Approvals.ApprovalAuthority.LevelsOf(Role).Count > 0;

    /// <summary>Owners whose records this person sees; null means everybody's (head, admin).</summary>
    public IReadOnlyList<int>? VisibleOwnerIds => Role switch
    {
        StaffRole.Head or StaffRole.Admin => null,
        StaffRole.TeamLead => TeamMemberIds.Contains(ManagerId) ? TeamMemberIds : [.. TeamMemberIds, ManagerId],
        StaffRole.Manager => [ManagerId],
        _ => [],
    };

    public bool CanSeeOwner(int ownerId) => VisibleOwnerIds is not { } ids || ids.Contains(ownerId);
}

/// <summary>Who is acting in this scope (a circuit, a request, a background job).</summary>
public interface IUserContext
{
    /// <summary>The current user, or null when nobody is signed in.</summary>
    ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default);

    /// <summary>The user once <see cref="FindAsync"/> has run in this scope.</summary>
    CurrentUser? Cached { get; }
}

public static class UserContextExtensions
{
    /// <summary>The current user; throws <see cref="AccessDeniedException"/> for an anonymous caller.</summary>
    public static async ValueTask<CurrentUser> RequireAsync(this IUserContext context, CancellationToken ct = default) =>
        await context.FindAsync(ct) ?? throw new AccessDeniedException("Войдите в систему.");

    /// <summary>
    /// The current user when <paramref name="allowed"/> holds for them; otherwise the attempt goes to the audit trail (as
    /// <paramref name="area"/>/<paramref name="what"/>) and is refused with <paramref name="message"/>.
    /// </summary>
    public static async Task<CurrentUser> RequireRoleAsync(this IUserContext context, Common.SecurityLog security, Func<CurrentUser, bool> allowed,
        string area, string what, string message, CancellationToken ct = default)
    {
        var user = await context.RequireAsync(ct);
        if (allowed(user)) return user;
        await security.AccessDeniedAsync(user.Actor, area, "", what, ct);
        throw new AccessDeniedException(message);
    }
}
