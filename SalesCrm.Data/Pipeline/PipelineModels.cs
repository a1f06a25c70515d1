using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Pipeline;

/// <summary>The signals a card carries (docs/features.md); a filter picks deals that have one.</summary>
[Flags]
public enum DealSignal
{
    None = 0,
    Stuck = 1,
    NoNextStep = 2,
    ProposalExpiring = 4,
    PendingApproval = 8,
    HighRiskClient = 16,
}

/// <summary>Filters of the pipeline board; all optional, combined with AND.</summary>
public sealed record PipelineFilter
{
    public int? TeamId { get; init; }
    public int? OwnerId { get; init; }
    public int? ProductId { get; init; }
    public DealSignal Signal { get; init; }
    public string? Text { get; init; }

    /// <summary>How many cards of each column are loaded (the longest in stage first); the header counts them all.</summary>
    public int Cards { get; init; } = PipelineService.CardsPerColumn;
}

/// <summary>One deal on the board.</summary>
public sealed record KanbanCard(int DealId, int Version, int ClientId, string ClientName, string ProductName, long PremiumKopecks,
    int Probability, int OwnerId, string OwnerName, StageCode Stage, DateTime StageEnteredAt, int DaysInStage, string? NextStepTitle,
    DateTime? NextStepDueAt, DateTime? ProposalValidUntil, bool HasProposal, ApprovalState ApprovalState, RiskLevel ClientRisk,
    DealSignal Signals, DateTime ExpectedCloseDate = default);

/// <summary>
/// A column: one open stage, its totals, and its cards (longest in the stage first). <c>AllShown</c> says whether the cards
/// are every card of the column (when they were read, or after the moves followed since).
/// </summary>
public sealed record KanbanColumn(StageCode Stage, string Name, int Probability, int StuckAfterDays, int Count, long PremiumKopecks,
    long WeightedKopecks, IReadOnlyList<KanbanCard> Cards, bool AllShown = true);

public sealed record PipelineBoardData(IReadOnlyList<KanbanColumn> Columns, IReadOnlyList<Common.ManagerInfo> Owners,
    IReadOnlyList<Dashboard.TeamOption> Teams, int? TeamId, DateTime LoadedAt);
