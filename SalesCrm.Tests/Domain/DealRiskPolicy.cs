using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class DealRiskPolicy
{
    private static DealRiskInput Calm() => new(DaysInStage: 3, StuckAfterDays: 14, DaysSinceActivity: 1, ProposalDaysLeft: null,
        ClientRisk: RiskLevel.Low, DaysPastExpectedClose: 0);

    [Fact]
    public void AHealthyDealScoresZero()
    {
        var score = DealRisk.Score(Calm());
        Assert.Equal(0, score.Score);
        Assert.Empty(score.Reasons);
    }

    [Fact]
    public void EachSignalCountsOnlyPastItsThreshold()
    {
        Assert.Empty(DealRisk.Score(Calm() with { DaysInStage = 14 }).Reasons);
        Assert.Equal([RiskReason.Stuck], DealRisk.Score(Calm() with { DaysInStage = 15 }).Reasons);
        Assert.Empty(DealRisk.Score(Calm() with { DaysSinceActivity = 7 }).Reasons);
        Assert.Equal([RiskReason.NoActivity], DealRisk.Score(Calm() with { DaysSinceActivity = 8 }).Reasons);
        Assert.Equal([RiskReason.NoActivity], DealRisk.Score(Calm() with { DaysSinceActivity = null }).Reasons);
        Assert.Empty(DealRisk.Score(Calm() with { ProposalDaysLeft = 3 }).Reasons);
        Assert.Equal([RiskReason.ProposalExpiring], DealRisk.Score(Calm() with { ProposalDaysLeft = 2 }).Reasons);
        Assert.Empty(DealRisk.Score(Calm() with { ClientRisk = RiskLevel.Medium }).Reasons);
        Assert.Equal([RiskReason.HighRiskClient], DealRisk.Score(Calm() with { ClientRisk = RiskLevel.High }).Reasons);
        Assert.Empty(DealRisk.Score(Calm() with { DaysPastExpectedClose = 0 }).Reasons);
        Assert.Equal([RiskReason.CloseDateSlipping], DealRisk.Score(Calm() with { DaysPastExpectedClose = 1 }).Reasons);
    }

    [Fact]
    public void DegreeMattersAndIsCapped()
    {
        Assert.True(DealRisk.Score(Calm() with { DaysInStage = 40 }).Score > DealRisk.Score(Calm() with { DaysInStage = 16 }).Score);
        Assert.Equal(DealRisk.Score(Calm() with { DaysInStage = 200 }).Score, DealRisk.Score(Calm() with { DaysInStage = 500 }).Score);
        Assert.True(DealRisk.Score(Calm() with { ProposalDaysLeft = -1 }).Score > DealRisk.Score(Calm() with { ProposalDaysLeft = 3 }).Score);
        Assert.True(DealRisk.Score(Calm() with { ProposalDaysLeft = 0 }).Score > DealRisk.Score(Calm() with { ProposalDaysLeft = 2 }).Score);
        var worst = new DealRiskInput(300, 14, 300, -10, RiskLevel.High, 300);
        Assert.Equal(100, DealRisk.Score(worst).Score);
        Assert.Equal(5, DealRisk.Score(worst).Reasons.Count);
    }

    [Fact]
    public void ReasonsComeWorstFirst()
    {
        var score = DealRisk.Score(Calm() with { DaysInStage = 60, ClientRisk = RiskLevel.High });
        Assert.Equal([RiskReason.Stuck, RiskReason.HighRiskClient], score.Reasons);
        Assert.Equal(40 + 15, score.Score);
    }

    /// <summary>«КП истекает &lt; 3 дн.»: 0, 1 or 2 days left; a proposal valid for exactly 3 more days is not expiring yet.</summary>
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void AProposalExpiresWhenFewerDaysRemainThanTheThreshold(int daysLeft, bool expiring)
    {
        var today = new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
        var validUntil = today.AddDays(daysLeft);
        Assert.Equal(daysLeft, ProposalExpiry.DaysLeft(validUntil, today.AddHours(15)));
        Assert.Equal(expiring, ProposalExpiry.IsExpiring(validUntil, today, 3));
        var (from, before) = ProposalExpiry.Window(today, 3);
        Assert.Equal(expiring, validUntil >= from && validUntil < before);
    }
}
