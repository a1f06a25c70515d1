using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Deals;

/// <summary>Base of the deal events; the deal reference gives its id once it is saved.</summary>
public abstract record DealEvent(Deal Deal, DateTime OccurredAt) : IDomainEvent
{
    public int DealId => Deal.Id;
    public int OwnerId => Deal.OwnerId;
}

public sealed record DealCreated(Deal Deal, DateTime OccurredAt) : DealEvent(Deal, OccurredAt);

/// <summary>A move between stages; with the probability and the stage entry the deal had before it (figures follow the move).</summary>
public sealed record DealStageChanged(Deal Deal, StageCode From, StageCode To, DateTime OccurredAt, int FromProbability = 0,
    DateTime FromEnteredAt = default) : DealEvent(Deal, OccurredAt);

public sealed record DealUpdated(Deal Deal, DateTime OccurredAt) : DealEvent(Deal, OccurredAt);

public sealed record DealReassigned(Deal Deal, int FromManagerId, int ToManagerId, DateTime OccurredAt)
    : DealEvent(Deal, OccurredAt);
