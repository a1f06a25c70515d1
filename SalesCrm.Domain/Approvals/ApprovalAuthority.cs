using SalesCrm.Domain.Teams;

namespace SalesCrm.Domain.Approvals;

/// <summary>
/// Who decides at which level — the one place every screen, query and service asks. The team lead decides at the team
/// lead's level, the head at the team lead's and the head's, the underwriter at underwriting. Nobody decides their own
/// request: it starts one level above the requester's own (a team lead's at the head, the head's at underwriting).
/// </summary>
public static class ApprovalAuthority
{
    /// <summary>The levels a role decides at.</summary>
    public static IReadOnlyList<ApprovalLevel> LevelsOf(StaffRole role) => role switch
    {
        StaffRole.TeamLead => [ApprovalLevel.TeamLead],
        StaffRole.Head => [ApprovalLevel.TeamLead, ApprovalLevel.Head],
        StaffRole.Underwriter => [ApprovalLevel.Underwriting],
        _ => [],
    };

    public static bool Decides(StaffRole role, ApprovalLevel level) => LevelsOf(role).Contains(level);

    /// <summary>May this person decide a request that waits at <paramref name="level"/> and was asked by <paramref name="requesterId"/>?</summary>
    public static bool MayDecide(int personId, StaffRole role, ApprovalLevel level, int requesterId) =>
        personId != requesterId && Decides(role, level);

    /// <summary>Where a request starts: the matrix's level, moved up while the requester would decide there.</summary>
    public static ApprovalLevel StartLevel(ApprovalRoute route, StaffRole requesterRole)
    {
        var level = route == ApprovalRoute.TeamLead ? ApprovalLevel.TeamLead : ApprovalLevel.Head;
        while (level < ApprovalLevel.Underwriting && Decides(requesterRole, level)) level++;
        return level;
    }

    /// <summary>Whether the sales line has approved: a head's approval, or the head's own request (the head asked).</summary>
    public static bool SalesLineApproved(StaffRole requesterRole, IEnumerable<ApprovalDecision> decisions) =>
        requesterRole == StaffRole.Head || decisions.Any(d => d.Kind == DecisionKind.Approve && d.Role == StaffRole.Head);
}
