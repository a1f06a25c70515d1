using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Renewals;

public enum RenewalTaskStatus
{
    None = 0,
    Open = 1,
    Overdue = 2,
    Done = 3,
}

/// <summary>A contract ending soon, its renewal work, and its client's churn risk.</summary>
public sealed record RenewalRow(int ContractId, string Number, int ClientId, string ClientName, string ProductName, long PremiumKopecks, int OwnerId,
    string OwnerName, DateTime EndDate, int DaysLeft, int? RenewalDealId, StageCode? RenewalStage, RenewalTaskStatus TaskStatus, ChurnScore Churn);

/// <summary>Renewal work per manager: tasks done, open, overdue, and contracts ending within 30 days without a touch in two weeks.</summary>
public sealed record RenewalActivityRow(int ManagerId, string Name, int Done, int Open, int Overdue, int Silent);

/// <summary>
/// Churn rate and repeat-purchase share of a period and of the one before (docs/features.md); <see cref="Running"/>: the
/// period's contracts still active and not yet at their end (not counted as lost until they end unrenewed).
/// </summary>
public sealed record RetentionFiguresRow(int Ended, int Renewed, double? ChurnRate, int PreviousEnded, int PreviousRenewed, double? PreviousChurnRate,
    double? RepeatShare, double? PreviousRepeatShare, int Running = 0);

/// <summary>/renewals: contracts ending within the horizon, the red zone, the renewal work, the retention figures, and whose
/// contracts it can hold (<c>Owners</c>, null: everybody's) — what the live page listens to.</summary>
public sealed record RenewalBoard(int HorizonDays, IReadOnlyList<RenewalRow> Contracts, IReadOnlyList<RenewalRow> RedZone,
    IReadOnlyList<RenewalActivityRow> Activity, RetentionFiguresRow Figures, bool CanLead, IReadOnlyList<int>? Owners = null);
