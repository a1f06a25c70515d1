using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Clients;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ChurnRiskPolicy
{
    private static ChurnInput Calm() => new(0, false, 10, 10, 0.30, 0.30, false, false);

    [Fact]
    public void ACalmClientScoresZero()
    {
        var s = ChurnRisk.Score(Calm());
        Assert.Equal(0, s.Score);
        Assert.Empty(s.Factors);
        Assert.False(s.RedZone);
    }

    [Fact]
    public void EachFactorCountsOnlyPastItsThreshold()
    {
        Assert.Equal([(ChurnFactor.Complaints, 15)], ChurnRisk.Score(Calm() with { ComplaintsLast90Days = 1 }).Factors);
        Assert.Equal([(ChurnFactor.Complaints, 35)], ChurnRisk.Score(Calm() with { ComplaintsLast90Days = 9 }).Factors);
        Assert.Equal([(ChurnFactor.DecisionMakerChange, 20)], ChurnRisk.Score(Calm() with { DecisionMakerChangedLast180Days = true }).Factors);
        Assert.Empty(ChurnRisk.Score(Calm() with { ActivitiesLast90Days = 6 }).Factors);
        Assert.Equal([(ChurnFactor.FallingActivity, 15)], ChurnRisk.Score(Calm() with { ActivitiesLast90Days = 5 }).Factors);
        Assert.Empty(ChurnRisk.Score(Calm() with { ActivitiesLast90Days = 0, ActivitiesPrevious90Days = 3 }).Factors); // too little to judge
        Assert.Empty(ChurnRisk.Score(Calm() with { LossRatioLastYear = 0.39 }).Factors);
        Assert.Equal([(ChurnFactor.RisingLossRatio, 15)], ChurnRisk.Score(Calm() with { LossRatioLastYear = 0.40 }).Factors);
        Assert.Empty(ChurnRisk.Score(Calm() with { LossRatioYearBefore = null, LossRatioLastYear = 0.9 }).Factors);
        Assert.Equal([(ChurnFactor.CompetitorOffer, 20)], ChurnRisk.Score(Calm() with { CompetitorOfferOnRenewal = true }).Factors);
        Assert.Equal([(ChurnFactor.OverdueRenewalTask, 10)], ChurnRisk.Score(Calm() with { RenewalTaskOverdue = true }).Factors);
    }

    [Fact]
    public void TheRedZoneStartsAtTheThresholdAndTheScoreIsCapped()
    {
        var below = ChurnRisk.Score(Calm() with { DecisionMakerChangedLast180Days = true, ComplaintsLast90Days = 2 }); // 20 + 25
        Assert.Equal(45, below.Score);
        Assert.False(below.RedZone);
        var at = ChurnRisk.Score(Calm() with { DecisionMakerChangedLast180Days = true, ComplaintsLast90Days = 2, RenewalTaskOverdue = true });
        Assert.Equal(55, at.Score);
        Assert.True(at.RedZone);
        Assert.Equal(ChurnFactor.Complaints, at.Factors[0].Factor);
        Assert.True(ChurnRisk.Score(Calm() with { RenewalTaskOverdue = true }, redZone: 10).RedZone);
        var all = ChurnRisk.Score(new ChurnInput(9, true, 0, 20, 0.9, 0.1, true, true));
        Assert.Equal(100, all.Score);
        Assert.Equal(6, all.Factors.Count);
    }

    [Fact]
    public void RetentionFiguresFollowTheProductDefinitions()
    {
        Assert.Equal(0.25, RetentionFigures.ChurnRate(ended: 8, renewed: 6));
        Assert.Null(RetentionFigures.ChurnRate(0, 0));
        Assert.Equal(0.4, RetentionFigures.RepeatPurchaseShare(clientsWithOne: 10, clientsWithTwoOrMore: 4));
        Assert.Null(RetentionFigures.RepeatPurchaseShare(0, 0));
    }

    /// <summary>
    /// Churn counts only contracts that have ended: a contract still active before its last day is running, not lost,
    /// however far the month has gone; one renewed early is renewed; one active past its last day lapsed unrenewed.
    /// </summary>
    [Fact]
    public void ChurnCountsOnlyContractsThatHaveEnded()
    {
        var today = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
        DateTime Day(int d) => new(2026, 12, d, 0, 0, 0, DateTimeKind.Utc);
        var december = new[]
        {
            (Day(2), ContractState.Active), // its last day has passed without a renewal: lost
            (Day(3), ContractState.Renewed),
            (Day(5), ContractState.Lost),
            (Day(7), ContractState.Active), // its last day is today: still running
            (Day(20), ContractState.Active), // running, a renewal deal may be in progress
            (Day(29), ContractState.Renewed), // renewed ahead of its end
            (Day(30), ContractState.Expired),
        };
        var churn = RetentionFigures.Churn(december, today);
        Assert.Equal(new ChurnCount(Ended: 5, Renewed: 2, Running: 2), churn);
        Assert.Equal(3, churn.Lost);
        Assert.Equal(0.6, churn.Rate!.Value, 6);

        // The month the demo showed as «100 % · 11 из 11»: every contract still active until later in the month.
        var running = Enumerable.Range(8, 11).Select(d => (Day(d + 10), ContractState.Active));
        Assert.Equal(new ChurnCount(0, 0, 11), RetentionFigures.Churn(running, today));
        Assert.Null(RetentionFigures.Churn(running, today).Rate);
    }
}
