using SalesCrm.Data.Deals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Clients;

public sealed record ClientListQuery
{
    public int Page { get; init; }
    public int PageSize { get; init; } = 25;
    public string? Text { get; init; }
    public int? OwnerId { get; init; }
    public RiskLevel? Risk { get; init; }
    public bool Descending { get; init; }
    public string Sort { get; init; } = "Name";
}

public sealed record ClientRow(int Id, string Name, string? Inn, bool InnValid, string Industry, string Region,
    ClientSegment Segment, string OwnerName, RiskLevel Risk, bool IsKeyClient);

public sealed record ContactInfo(int Id, string FullName, string? Position, string? Phone, string? Email,
    bool IsDecisionMaker, DateTime? DecisionMakerChangedAt);

public sealed record ClientDealInfo(int Id, string ProductName, StageCode Stage, long PremiumKopecks, string OwnerName,
    DateTime ExpectedCloseDate);

public sealed record ContractInfo(int Id, string Number, string ProductName, DateTime StartDate, DateTime EndDate,
    long PremiumKopecks, ContractState State);

public sealed record PremiumLossInfo(int Year, long PremiumsKopecks, long LossesKopecks, double? LossRatio);

/// <summary>Risk, premiums and losses by year, and the potential of a client (see <c>ClientAnalyticsQuery</c>).</summary>
public sealed record ClientAnalytics(RiskLevel Risk, RiskIndices? RiskIndices, string? RiskSource, DateTime? RiskUpdatedAt,
    IReadOnlyList<PremiumLossInfo> PremiumLoss, int Branches, IReadOnlyList<string> ProductsBought, IReadOnlyList<string> ProductsNotBought);

public sealed record SignalInfo(ClientSignalKind Kind, DateTime At, string? Comment);

/// <summary>Everything the client card shows.</summary>
public sealed record ClientCard
{
    public required int Id { get; init; }
    public required int Version { get; init; }
    public required string Name { get; init; }
    public string? Inn { get; init; }
    public required bool InnValid { get; init; }
    public string? InnError { get; init; }
    public string? Kpp { get; init; }
    public required string Industry { get; init; }
    public required string Region { get; init; }
    public required ClientSegment Segment { get; init; }
    public required bool IsKeyClient { get; init; }
    public required NamedRef Owner { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Address { get; init; }
    public int Branches { get; init; }
    public required ClientAnalytics Analytics { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required IReadOnlyList<ContactInfo> Contacts { get; init; }
    public required IReadOnlyList<ClientDealInfo> Deals { get; init; }
    public required IReadOnlyList<ContractInfo> Contracts { get; init; }
    public required IReadOnlyList<SignalInfo> Signals { get; init; }
    public required IReadOnlyList<TimelineItem> Timeline { get; init; }
    public required bool CanEdit { get; init; }
}

/// <summary>The editable fields of a client; the INN is validated (10/12 digits with checksum).</summary>
public sealed record ClientInput(string Name, string Inn, string? Kpp, string Industry, string Region,
    ClientSegment Segment, string? Phone, string? Email, string? Address, int Branches, bool IsKeyClient);

public sealed record ContactInput(string FullName, string? Position, string? Phone, string? Email, bool IsDecisionMaker);

/// <summary>A client that already has a typed INN, phone or e-mail (<see cref="Field"/>): its id and name when the user may open it.</summary>
public sealed record KnownClient(string Field, int? Id, string? Name);
