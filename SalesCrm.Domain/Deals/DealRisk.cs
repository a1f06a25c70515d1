using SalesCrm.Domain.Clients;

namespace SalesCrm.Domain.Deals;

/// <summary>Why a deal is at risk of failing.</summary>
public enum RiskReason
{
    Stuck = 1,
    NoActivity = 2,
    ProposalExpiring = 3,
    HighRiskClient = 4,
    CloseDateSlipping = 5,
}

/// <summary>What the risk policy looks at, as of one moment.</summary>
/// <param name="DaysInStage">Whole days in the current stage.</param>
/// <param name="StuckAfterDays">The stage's threshold.</param>
/// <param name="DaysSinceActivity">Whole days since the last activity; null when there was none.</param>
/// <param name="ProposalDaysLeft">Days until the proposal expires (negative once expired); null without a proposal.</param>
/// <param name="ClientRisk">The client's counterparty risk.</param>
/// <param name="DaysPastExpectedClose">Days the expected close date is behind today (0 or less: not yet).</param>
public sealed record DealRiskInput(int DaysInStage, int StuckAfterDays, int? DaysSinceActivity, int? ProposalDaysLeft, RiskLevel ClientRisk,
    int DaysPastExpectedClose);

/// <summary>The score (0–100, higher is worse) and its reasons, worst first.</summary>
public sealed record DealRiskScore(int Score, IReadOnlyList<RiskReason> Reasons);

/// <summary>
/// How likely an open deal is to fail, from the signals a team lead checks on Monday: stuck in its stage, silent,
/// a proposal about to lapse, a risky client, a close date that has slipped. Each signal adds points, growing with
/// how far past its threshold the deal is (capped), so two deals with the same signals are told apart by degree.
/// </summary>
public static class DealRisk
{
    public const int NoActivityDays = 7;
    public const int ProposalExpiringDays = 3;

    public static DealRiskScore Score(DealRiskInput d)
    {
        var parts = new List<(RiskReason Reason, int Points)>();
        if (d.StuckAfterDays > 0 && d.DaysInStage > d.StuckAfterDays)
            parts.Add((RiskReason.Stuck, 25 + Math.Min(15, (d.DaysInStage - d.StuckAfterDays) / 2)));
        if (d.DaysSinceActivity is null || d.DaysSinceActivity > NoActivityDays)
            parts.Add((RiskReason.NoActivity, 15 + Math.Min(15, (d.DaysSinceActivity ?? 30) - NoActivityDays)));
        if (d.ProposalDaysLeft is { } left && left < ProposalExpiringDays) // lapsed or expiring (ProposalExpiry)
            parts.Add((RiskReason.ProposalExpiring, left < 0 ? 25 : 20 - 2 * Math.Max(0, left)));
        if (d.ClientRisk == RiskLevel.High) parts.Add((RiskReason.HighRiskClient, 15));
        if (d.DaysPastExpectedClose > 0)
            parts.Add((RiskReason.CloseDateSlipping, 15 + Math.Min(10, d.DaysPastExpectedClose / 3)));
        var score = Math.Min(100, parts.Sum(p => p.Points));
        return new DealRiskScore(score, parts.OrderByDescending(p => p.Points).ThenBy(p => p.Reason).Select(p => p.Reason).ToList());
    }

    public static string Russian(this RiskReason reason) => reason switch
    {
        RiskReason.Stuck => "застряла на этапе",
        RiskReason.NoActivity => "нет активности",
        RiskReason.ProposalExpiring => "КП истекает",
        RiskReason.HighRiskClient => "клиент высокого риска",
        RiskReason.CloseDateSlipping => "срок закрытия сорван",
        _ => reason.ToString(),
    };
}
