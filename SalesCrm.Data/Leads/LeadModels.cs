using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Data.Leads;

public enum LeadView
{
    /// <summary>Unassigned leads waiting in the queue of the user's team (or any, for the head).</summary>
    Queue,
    /// <summary>Everything the user may see.</summary>
    All,
    /// <summary>Assigned to the user.</summary>
    Mine,
}

/// <summary>The orders the lead list offers (newest first unless chosen otherwise).</summary>
public enum LeadSort
{
    Created,
    Title,
    Region,
    Status,
}

public sealed record LeadListQuery
{
    public LeadSort Sort { get; init; } = LeadSort.Created;
    public bool Descending { get; init; } = true;
    public LeadView View { get; init; } = LeadView.All;
    public LeadStatus? Status { get; init; }
    public int? AssigneeId { get; init; }
    public string? Text { get; init; }
    public int Page { get; init; }
    public int PageSize { get; init; } = 25;
    /// <summary>Only leads that arrived in this period (the diagnostics' month).</summary>
    public Domain.Common.ReportingPeriod? Period { get; init; }
    /// <summary>Only the team's leads: assigned to its members, or waiting in its queue — as the diagnostics count them.</summary>
    public int? TeamId { get; init; }
    /// <summary>Only the leads behind one diagnostics figure.</summary>
    public LeadEvidence Evidence { get; init; }
}

/// <summary>The leads behind a figure of the diagnostics' block 1 and 7 (<c>/leads?only=</c>).</summary>
public enum LeadEvidence
{
    None = 0,
    /// <summary>Reached: the leads whose response time the median is of.</summary>
    Contacted = 1,
    /// <summary>Never reached: what the contact rate misses.</summary>
    NotContacted = 2,
    /// <summary>Closed without ever being reached.</summary>
    LostBeforeContact = 3,
    /// <summary>No source tags (UTM, form, bot).</summary>
    NoSource = 4,
    /// <summary>Came again through another channel.</summary>
    Repeated = 5,
}

public sealed record LeadRow(int Id, DateTime CreatedAt, LeadChannel Channel, string Title, string? ContactName, string? Phone, string? Email,
    string? Region, string? ProductCode, LeadStatus Status, int? AssigneeId, string? AssigneeName, DateTime? FirstContactAt, int Touches,
    string? Rule, int? QueueTeamId, double? ResponseMinutes, int? TeamId = null);

/// <summary>Speed to lead for a period (docs/features.md): response measured in working minutes.</summary>
public sealed record SpeedToLead(int Leads, int Contacted, double? MedianResponseMinutes, double? OverTargetShare, double? ContactRate,
    double? LostBeforeContactShare, int TargetMinutes);

/// <summary>One manager's load (docs/features.md "manager load").</summary>
public sealed record WorkloadRow(int ManagerId, string Name, int? TeamId, IReadOnlyDictionary<StageCode, int> OpenByStage, int OpenDeals,
    long OpenPremiumKopecks, long PlanKopecks, long WonKopecks, int Capacity, int OpenLeads, int NewLeadsThisWeek, int OverdueTasks,
    DateTime? AbsentUntil)
{
    public int Load => Workload.Load(OpenDeals, OpenLeads);

    public double Utilisation => Workload.Share(Load, Capacity);

    public bool OverCapacity => Workload.IsOverCapacity(Load, Capacity);
}

public sealed record LeadAssignmentInfo(DateTime At, string? From, string To, AssignmentReason Reason, string? Comment, string? By, string? Rule);

public sealed record LeadActivityInfo(DateTime At, string Kind, string? Comment, string Author, string? Direction = null, string? Outcome = null);

public sealed record LeadDetail(LeadRow Lead, string? Inn, string? Comment, string? Industry, IReadOnlyDictionary<string, string> Tags, int? ClientId, int? DealId,
    string? DisqualifyReason, IReadOnlyList<LeadAssignmentInfo> Assignments, IReadOnlyList<LeadActivityInfo> Activities, bool CanAssign,
    string? CompanyName = null, string? Messenger = null);

/// <summary>What to qualify a lead into: the deal's product, premium and expected close; the client is matched by INN or created.</summary>
public sealed record QualifyInput(int ProductId, long PremiumKopecks, DateTime ExpectedCloseDate, string? ClientName, string? Inn,
    string? Industry, string? Region, Domain.Clients.ClientSegment Segment, string? NextStepTitle = null, DateTime? NextStepDueAt = null,
    string? Phone = null, string? Email = null);

/// <summary>A team's lead distribution setting: automatic on arrival, or the team lead's queue.</summary>
public sealed record TeamDistribution(int TeamId, string Name, bool AutoAssign);

/// <summary>
/// The lead named a client that someone else serves: it was handed to that client's owner, who was told. The message says
/// only that; nothing of the client is shown to the person who qualified it.
/// </summary>
public static class LeadHandedOver
{
    public const string Message = "Этот клиент уже обслуживается в компании — лид передан ответственному менеджеру, он получил уведомление.";
}
