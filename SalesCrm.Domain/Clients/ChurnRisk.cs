namespace SalesCrm.Domain.Clients;

/// <summary>What points a client towards leaving.</summary>
public enum ChurnFactor
{
    Complaints = 1,
    DecisionMakerChange = 2,
    FallingActivity = 3,
    RisingLossRatio = 4,
    CompetitorOffer = 5,
    OverdueRenewalTask = 6,
}

/// <summary>What the churn policy looks at for one client, as of one moment.</summary>
/// <param name="ComplaintsLast90Days">Complaints recorded in the last 90 days.</param>
/// <param name="DecisionMakerChangedLast180Days">The decision-maker changed in the last 180 days.</param>
/// <param name="ActivitiesLast90Days">Touches (calls, meetings, letters) in the last 90 days.</param>
/// <param name="ActivitiesPrevious90Days">Touches in the 90 days before that.</param>
/// <param name="LossRatioLastYear">Losses ÷ premiums of the last full year; null without history.</param>
/// <param name="LossRatioYearBefore">The same for the year before.</param>
/// <param name="CompetitorOfferOnRenewal">A competitor offer is recorded on the renewal deal.</param>
/// <param name="RenewalTaskOverdue">A renewal task is open past its due date.</param>
public sealed record ChurnInput(int ComplaintsLast90Days, bool DecisionMakerChangedLast180Days, int ActivitiesLast90Days, int ActivitiesPrevious90Days,
    double? LossRatioLastYear, double? LossRatioYearBefore, bool CompetitorOfferOnRenewal, bool RenewalTaskOverdue);

/// <summary>The score (0–100) with each factor's points, largest first; red zone at or above the threshold.</summary>
public sealed record ChurnScore(int Score, IReadOnlyList<(ChurnFactor Factor, int Points)> Factors, bool RedZone);

/// <summary>
/// Churn risk of a corporate client (docs/features.md, renewal control): complaints, a new decision-maker, touches falling
/// by half or more, a loss ratio rising by ten points or more, a competitor offer on the renewal, an overdue renewal
/// task. Each factor has fixed points (complaints grow with their number, capped); the score is their sum, capped at
/// 100; at or above the threshold (default 50) the client is in the red zone.
/// </summary>
public static class ChurnRisk
{
    public const int DefaultRedZone = 50;

    public static ChurnScore Score(ChurnInput c, int redZone = DefaultRedZone)
    {
        var factors = new List<(ChurnFactor, int)>();
        if (c.ComplaintsLast90Days > 0) factors.Add((ChurnFactor.Complaints, Math.Min(35, 15 + 10 * (c.ComplaintsLast90Days - 1))));
        if (c.DecisionMakerChangedLast180Days) factors.Add((ChurnFactor.DecisionMakerChange, 20));
        if (c.ActivitiesPrevious90Days >= 4 && c.ActivitiesLast90Days * 2 <= c.ActivitiesPrevious90Days) factors.Add((ChurnFactor.FallingActivity, 15));
        if (c.LossRatioLastYear is { } now && c.LossRatioYearBefore is { } before && now - before >= 0.10) factors.Add((ChurnFactor.RisingLossRatio, 15));
        if (c.CompetitorOfferOnRenewal) factors.Add((ChurnFactor.CompetitorOffer, 20));
        if (c.RenewalTaskOverdue) factors.Add((ChurnFactor.OverdueRenewalTask, 10));
        var score = Math.Min(100, factors.Sum(f => f.Item2));
        return new ChurnScore(score, factors.OrderByDescending(f => f.Item2).ThenBy(f => f.Item1).ToList(), score >= redZone);
    }

    public static string Russian(this ChurnFactor factor) => factor switch
    {
        ChurnFactor.Complaints => "жалобы",
        ChurnFactor.DecisionMakerChange => "сменился ЛПР",
        ChurnFactor.FallingActivity => "активность упала",
        ChurnFactor.RisingLossRatio => "убыточность растёт",
        ChurnFactor.CompetitorOffer => "предложение конкурента",
        ChurnFactor.OverdueRenewalTask => "задача по пролонгации просрочена",
        _ => factor.ToString(),
    };
}

/// <summary>The department's retention figures (docs/features.md).</summary>
public static class RetentionFigures
{
    /// <summary>Contracts ending in the period that were not renewed ÷ contracts ending in the period; null when none ended.</summary>
    public static double? ChurnRate(int ended, int renewed) => ended == 0 ? null : (double)(ended - renewed) / ended;

    /// <summary>
    /// Churn of the contracts due to end in a period, as of <paramref name="today"/> (the department's calendar day). A
    /// contract has ended for retention when it was renewed, lost or expired, or when its last day has passed without a
    /// renewal; one renewed early counts as renewed. A contract still active whose last day is today or later is still
    /// running: it is not counted as lost, and <see cref="ChurnCount.Running"/> says how many wait for their outcome.
    /// </summary>
    public static ChurnCount Churn(IEnumerable<(DateTime EndDate, Contracts.ContractState State)> due, DateTime today)
    {
        int ended = 0, renewed = 0, running = 0;
        foreach (var (end, state) in due)
        {
            if (state == Contracts.ContractState.Active && end.Date >= today.Date) running++;
            else
            {
                ended++;
                if (state == Contracts.ContractState.Renewed) renewed++;
            }
        }
        return new ChurnCount(ended, renewed, running);
    }

    /// <summary>Clients with two or more won deals ÷ clients with at least one; null when nobody has one.</summary>
    public static double? RepeatPurchaseShare(int clientsWithOne, int clientsWithTwoOrMore) =>
        clientsWithOne == 0 ? null : (double)clientsWithTwoOrMore / clientsWithOne;
}

/// <summary>The contracts of a period that have ended (renewed or not) and those still running (<see cref="RetentionFigures.Churn"/>).</summary>
public sealed record ChurnCount(int Ended, int Renewed, int Running)
{
    public int Lost => Ended - Renewed;

    /// <summary>Ended unrenewed ÷ ended; null when none has ended yet.</summary>
    public double? Rate => RetentionFigures.ChurnRate(Ended, Renewed);
}
