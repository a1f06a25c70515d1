using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Reports;

/// <summary>One manager's plan for the month of the report and what they won: in the period, its baseline (<see cref="PeriodComparison"/>), and the month so far.</summary>
public sealed record PlanRow(int ManagerId, string Name, long PlanKopecks, long WonMonthKopecks, long WonPeriodKopecks, long WonPreviousKopecks)
{
    public double? Attainment => PlanKopecks == 0 ? null : (double)WonMonthKopecks / PlanKopecks;
}

/// <summary>One of the five deals most likely to fail, with why.</summary>
public sealed record BurningDeal(int DealId, string ClientName, string ProductName, string OwnerName, StageCode Stage, long PremiumKopecks,
    int Score, IReadOnlyList<RiskReason> Reasons, int DaysInStage, DateTime ExpectedCloseDate);

/// <summary>Lost deals of the period by reason, within a product or an industry.</summary>
public sealed record LossRow(string Group, LossReason Reason, int Count, long PremiumKopecks);

/// <summary>A manager's load and conversion: leads vs capacity, and the win rate of the period against the one before.</summary>
public sealed record TeamNeedRow(int ManagerId, string Name, int OpenLeads, int OpenDeals, int Capacity, int NewLeads, int Won, int Lost,
    int PreviousWon, int PreviousLost)
{
    public int Load => Workload.Load(OpenDeals, OpenLeads);

    public double? WinRate => Won + Lost == 0 ? null : (double)Won / (Won + Lost);

    public double? PreviousWinRate => PreviousWon + PreviousLost == 0 ? null : (double)PreviousWon / (PreviousWon + PreviousLost);

    /// <summary>Conversion fell by ten points or more, on at least three closed deals in each period.</summary>
    public bool ConversionDropped => Won + Lost >= 3 && PreviousWon + PreviousLost >= 3 && WinRate + 0.10 <= PreviousWinRate;

    public bool OverCapacity => Workload.IsOverCapacity(Load, Capacity);
}

public sealed record DiscountRequestRow(int RequestId, int DealId, string ClientName, string RequesterName, decimal DiscountPercent,
    long RequestedPremiumKopecks, ApprovalRoute Route, ApprovalRequestState State, DateTime CreatedAt);

/// <summary>
/// A manager's proposals sent in the period (from the documents: the mail server took the letter): opened by the client, not
/// opened yet, the hours from sending to the first opening (median), and the deals of these proposals won so far.
/// </summary>
public sealed record ProposalRow(int ManagerId, string Name, int Sent, int Opened, double? MedianHoursToOpen, int Won)
{
    public int NotOpened => Sent - Opened;
    public double? OpenRate => Sent == 0 ? null : (double)Opened / Sent;
}

/// <summary>The weekly management pack: everything on /reports for one scope and period, and the sheets of its workbook.</summary>
public sealed record ManagementPack
{
    public required DashboardScope Scope { get; init; }
    public required ReportingPeriod Period { get; init; }
    /// <summary>What the period is compared with: the period before, cut to the same elapsed time while this one runs.</summary>
    public required PeriodComparison Comparison { get; init; }
    public required ReportingPeriod Month { get; init; }
    public required string Author { get; init; }
    public required DateTime GeneratedAt { get; init; }
    public required IReadOnlyList<PlanRow> Plan { get; init; }
    public required IReadOnlyList<FunnelStage> Funnel { get; init; }
    public required IReadOnlyList<BurningDeal> Burning { get; init; }
    public required IReadOnlyList<LossRow> LossesByProduct { get; init; }
    public required IReadOnlyList<LossRow> LossesByIndustry { get; init; }
    public required ForecastFigure MonthForecast { get; init; }
    public required ForecastFigure QuarterForecast { get; init; }
    public required IReadOnlyList<TeamNeedRow> Team { get; init; }
    public required IReadOnlyList<DiscountRequestRow> DiscountsAboveTeamLead { get; init; }
    /// <summary>Proposal documents sent in the period, per manager: how many the clients opened, and how many of those deals are won.</summary>
    public required IReadOnlyList<ProposalRow> Proposals { get; init; }

    public long PlanKopecks => Plan.Sum(p => p.PlanKopecks);
    public long WonMonthKopecks => Plan.Sum(p => p.WonMonthKopecks);
    public double? Attainment => PlanKopecks == 0 ? null : (double)WonMonthKopecks / PlanKopecks;
}

/// <summary>A scheduled pack in the archive.</summary>
public sealed record ArchivedPack(int Id, string TeamName, DateTime PeriodStart, DateTime PeriodEnd, DateTime CreatedAt, DateTime? MailedAt, string FileName);
