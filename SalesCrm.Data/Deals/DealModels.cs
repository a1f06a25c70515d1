using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Deals;

public enum DealSort
{
    Id,
    Client,
    Product,
    Owner,
    Stage,
    Premium,
    ExpectedClose,
    DaysInStage,
}

/// <summary>Filters, sorting and paging of the deal list.</summary>
public sealed record DealListQuery
{
    public int Page { get; init; }
    public int PageSize { get; init; } = 25;
    public DealSort Sort { get; init; } = DealSort.Id;
    public bool Descending { get; init; } = true;
    public StageCode? Stage { get; init; }
    public int? OwnerId { get; init; }
    public int? ProductId { get; init; }
    public int? ClientId { get; init; }
    /// <summary>Client name (any case), the start of an INN, or a deal number.</summary>
    public string? Text { get; init; }
    public bool OpenOnly { get; init; }
    /// <summary>Only open deals without an open task due in the future ("no next step — no deal").</summary>
    public bool WithoutNextStep { get; init; }
    /// <summary>Only deals stuck in their stage: longer than the stage's threshold (the same rule as the dashboard and the board).</summary>
    public bool StuckOnly { get; init; }
    /// <summary>Only open deals matching every flag: the dashboard's "need attention" filters.</summary>
    public Dashboard.AttentionFilter Attention { get; init; }
    /// <summary>Only deals owned by the members of this team (within what the user sees anyway).</summary>
    public int? TeamId { get; init; }
}

public sealed record DealRow(int Id, int ClientId, string ClientName, string? ClientInn, string ProductName,
    int OwnerId, string OwnerName, StageCode Stage, long PremiumKopecks, int Probability, DateTime ExpectedCloseDate,
    DateTime StageEnteredAt, DateTime? NextStepDueAt, int Version = 0);

public sealed record NamedRef(int Id, string Name);

public sealed record ProposalInfo(DateTime? SentAt, DateTime ValidUntil, long PremiumKopecks);

public sealed record CompetitorOfferInfo(int Id, string Competitor, long PremiumKopecks, string? Terms, DateTime RecordedAt);

public sealed record NextStepInfo(int TaskId, string Title, DateTime DueAt, bool IsOverdue);

/// <summary>A stage the deal can move to now, and what the move will ask for.</summary>
public sealed record StageMove(StageCode Stage, string Name, StageMoveAsks Asks, string? BlockedReason);

public enum TimelineKind
{
    Activity,
    Call,
    Stage,
    Approval,
    Assignment,
    Audit,
    Task,
    Comment,
    /// <summary>A file attached to the record (<see cref="TimelineItem.Subject"/> "attached") or deleted from it ("deleted").</summary>
    File,
    /// <summary>A proposal version (<see cref="TimelineItem.From"/> its number) "generated", "sent" (to <see cref="TimelineItem.To"/>) or "opened" by the client (the opening's ordinal in To).</summary>
    Proposal,
}

/// <summary>
/// One item of the deal's or client's 360° timeline, as data: the UI words it in the user's language.
/// <see cref="Subject"/> is the activity kind, the audited field, the decision or the task title;
/// <see cref="From"/>/<see cref="To"/> the old and new value (stage codes, names, amounts).
/// </summary>
public sealed record TimelineItem(TimelineKind Kind, DateTime At, string? Who, string Subject, string? From = null,
    string? To = null, string? Text = null, string? RecordingUrl = null, int? DealId = null);

/// <summary>A phone to call about the deal: the client's own (<see cref="Integrations.PhoneOwner.Client"/>) or a contact's.</summary>
public sealed record DealPhone(Integrations.PhoneOwner Owner, int Id, string Name, string? Position, string Phone, bool IsDecisionMaker);

/// <summary>Everything the deal card shows.</summary>
public sealed record DealCard
{
    public required int Id { get; init; }
    public required int Version { get; init; }
    public required NamedRef Client { get; init; }
    public string? ClientInn { get; init; }
    public RiskLevel ClientRisk { get; init; }
    /// <summary>The client's risk, premiums and losses by year and potential (the escalation view).</summary>
    public required Clients.ClientAnalytics ClientAnalytics { get; init; }
    public required NamedRef Product { get; init; }
    public required NamedRef Owner { get; init; }
    public required StageCode Stage { get; init; }
    public required string StageName { get; init; }
    public required DateTime StageEnteredAt { get; init; }
    public required int DaysInStage { get; init; }
    public required bool IsStuck { get; init; }
    public required long PremiumKopecks { get; init; }
    public required int Probability { get; init; }
    public required DateTime ExpectedCloseDate { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? ClosedAt { get; init; }
    public DateTime? LastActivityAt { get; init; }
    public ProposalInfo? Proposal { get; init; }
    public ApprovalState ApprovalState { get; init; }
    public LossReason? LossReason { get; init; }
    public string? LossComment { get; init; }
    public string? NegotiationStrategy { get; init; }
    public string? Agreements { get; init; }
    public NextStepInfo? NextStep { get; init; }
    /// <summary>The client's phone and its contacts' phones, to call from the card.</summary>
    public IReadOnlyList<DealPhone> Phones { get; init; } = [];
    public required IReadOnlyList<CompetitorOfferInfo> CompetitorOffers { get; init; }
    public required IReadOnlyList<NamedRef> Participants { get; init; }
    public required IReadOnlyList<StageMove> Moves { get; init; }
    public required IReadOnlyList<Common.StageInfo> Stages { get; init; }
    public required IReadOnlyList<TimelineItem> Timeline { get; init; }
    /// <summary>The current user may change this deal (owner, the team lead, the head).</summary>
    public required bool CanEdit { get; init; }
    public bool IsClosed => Stage is StageCode.Won or StageCode.Lost;
}

/// <summary>A call, meeting, e-mail, message or note to log on a deal.</summary>
public sealed record ActivityInput(ActivityKind Kind, DateTime OccurredAt, ActivityDirection Direction,
    int DurationMinutes, string? Outcome, string? Comment, IReadOnlyList<string>? Tags);

/// <summary>A proposal (КП) to prepare: valid until (a date) and its premium.</summary>
public sealed record ProposalInput(DateTime ValidUntil, long PremiumKopecks);

/// <summary>Open deals of the user's scope and what needs attention.</summary>
public sealed record PipelineSummary(int OpenDeals, long OpenPremiumKopecks, long WeightedPremiumKopecks, int WithoutNextStep,
    int Stuck, int OverdueTasks);

/// <summary>Why a manager asks the team lead for help on a deal.</summary>
public enum HelpReason
{
    LargeTender = 1,
    AggressiveObjections = 2,
    VipClient = 3,
    Other = 99,
}

public static class HelpReasons
{
    public static string Russian(HelpReason reason) => reason switch
    {
        HelpReason.LargeTender => "Крупный тендер",
        HelpReason.AggressiveObjections => "Жёсткие возражения",
        HelpReason.VipClient => "VIP-клиент",
        _ => "Другое",
    };
}

/// <summary>What the "after the meeting" form saves in one go.</summary>
public sealed record AfterMeetingInput(string? Summary, int DurationMinutes, string? Agreements, StageCode? Stage, LossReason? LossReason, string? LossComment,
    IReadOnlyList<(string Title, DateTime DueAt)> FollowUps);
