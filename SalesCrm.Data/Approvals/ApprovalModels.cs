using SalesCrm.Data.Clients;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Approvals;

public enum ApprovalView
{
    /// <summary>Waiting for a decision of the signed-in person.</summary>
    ForMe = 1,
    /// <summary>Everything pending that the person may see.</summary>
    Pending = 2,
    /// <summary>Approved, rejected or withdrawn.</summary>
    Decided = 3,
}

/// <summary>What a manager asks for: the premium asked (against the deal's premium now), why, and the competitor offer it answers.</summary>
public sealed record ApprovalInput(ApprovalKind Kind, long RequestedPremiumKopecks, string? Justification,
    int? CompetitorOfferId);

public sealed record ApprovalRow(int Id, int DealId, string ClientName, string ProductName, ApprovalKind Kind, long BasePremiumKopecks,
    long RequestedPremiumKopecks, decimal DiscountPercent, int RequesterId, string RequesterName, DateTime CreatedAt, ApprovalLevel Level,
    ApprovalRequestState State, DateTime LevelSince, DateTime? DecidedAt, bool CanDecide, bool IsOverdue);

/// <summary>A decision or a message on the request's thread.</summary>
public sealed record ApprovalMessage(DateTime At, string? Who, StaffRole? Role, DecisionKind Kind, string? Comment);

/// <summary>The client as the approver needs it: history, loss ratio, what else could be sold.</summary>
public sealed record ClientEvidence(int ClientId, string Name, string Industry, string Region, int Branches,
    IReadOnlyList<PremiumLossInfo> PremiumLoss, double? LossRatio, IReadOnlyList<string> ProductsNotBought,
    IReadOnlyList<OpenDealInfo> OpenDeals, long ActiveContractsPremiumKopecks);

public sealed record OpenDealInfo(int Id, string ProductName, StageCode Stage, long PremiumKopecks);

/// <summary>Everything the decision panel shows, and what the signed-in person may do with it.</summary>
public sealed record ApprovalDetail(ApprovalRow Row, int Version, string Justification, ApprovalRoute Route, int? AnsweredOfferId,
    IReadOnlyList<CompetitorOfferInfo> Offers, IReadOnlyList<ApprovalMessage> Thread, IReadOnlyList<ApprovalLevel> EscalateTo,
    ClientEvidence Client, IReadOnlyList<TimelineItem> Timeline, bool CanComment, bool CanCancel);

/// <summary>The authority matrix and the SLA, as the settings page edits them.</summary>
public sealed record ApprovalPolicyInfo(decimal TeamLeadPercent, decimal HeadPercent, int SlaHours, DateTime UpdatedAt);
