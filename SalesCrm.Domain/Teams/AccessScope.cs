namespace SalesCrm.Domain.Teams;

/// <summary>
/// What records a signed-in person may see: a manager their own, a team lead the team's,
/// head and admin everything; an underwriter only what was escalated to underwriting.
/// The data layer turns this into WHERE clauses; this class answers for single records.
/// </summary>
public sealed record AccessScope(int ManagerId, StaffRole Role, int? TeamId)
{
    public bool SeesEverything => Role is StaffRole.Head or StaffRole.Admin;

    /// <summary>May this person see a record owned by <paramref name="ownerId"/> of team <paramref name="ownerTeamId"/>?</summary>
    public bool CanSeeOwnedBy(int ownerId, int? ownerTeamId) => Role switch
    {
        StaffRole.Head or StaffRole.Admin => true,
        StaffRole.TeamLead => ownerId == ManagerId || (TeamId is not null && ownerTeamId == TeamId),
        StaffRole.Manager => ownerId == ManagerId,
        _ => false,
    };

    /// <summary>May this person change a record they can see (underwriters and admins only read deals).</summary>
    public bool CanWorkDeals => Role is StaffRole.Manager or StaffRole.TeamLead or StaffRole.Head;
}
