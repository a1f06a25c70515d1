using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class MoveToStageRules
{
    [Fact]
    public void RefusesLostWithoutALossReason()
    {
        var deal = A.Deal(moveTo: StageCode.Qualification);
        var ex = Assert.Throws<DomainException>(() => deal.MoveToStage(A.Stage(StageCode.Lost), 7, A.Now));
        Assert.Contains("причину проигрыша", ex.Message);
        Assert.Equal(StageCode.Qualification, deal.Stage);
        Assert.Empty(deal.DomainEvents);
    }

    [Fact]
    public void RefusesOtherAsLossReasonWithoutAComment()
    {
        var deal = A.Deal();
        Assert.Throws<DomainException>(() => deal.MoveToStage(A.Stage(StageCode.Lost), 7, A.Now, LossReason.Other, "  "));
        deal.MoveToStage(A.Stage(StageCode.Lost), 7, A.Now, LossReason.Other, "Объект продан");
        Assert.Equal(StageCode.Lost, deal.Stage);
    }

    [Fact]
    public void LostRecordsTheReasonAndTheClose()
    {
        var deal = A.Deal(moveTo: StageCode.NeedsAnalysis);
        deal.MoveToStage(A.Stage(StageCode.Lost), 7, A.Now, LossReason.Price, "Конкурент дешевле на 20 %");
        Assert.Equal(LossReason.Price, deal.LossReason);
        Assert.Equal(A.Now, deal.ClosedAt);
        Assert.Equal(0, deal.Probability);
        Assert.True(deal.IsClosed);
    }

    [Fact]
    public void RefusesProposalSentWithoutAProposal()
    {
        var deal = A.Deal(moveTo: StageCode.NeedsAnalysis);
        var ex = Assert.Throws<DomainException>(() => deal.MoveToStage(A.Stage(StageCode.ProposalSent), 7, A.Now));
        Assert.Contains("КП", ex.Message);
        Assert.Equal(StageCode.NeedsAnalysis, deal.Stage);
    }

    [Fact]
    public void ProposalSentStampsTheSendingTime()
    {
        var deal = A.Deal(moveTo: StageCode.NeedsAnalysis);
        deal.PrepareProposal(A.Now.AddDays(14), Money.FromRubles(1_000_000), A.Now.AddHours(-1));
        Assert.Null(deal.Proposal!.SentAt);
        deal.MoveToStage(A.Stage(StageCode.ProposalSent), 7, A.Now);
        Assert.Equal(A.Now, deal.Proposal!.SentAt);
    }

    [Fact]
    public void RefusesProposalSentWhileADiscountAwaitsApproval()
    {
        var deal = A.Deal(moveTo: StageCode.NeedsAnalysis);
        deal.PrepareProposal(A.Now.AddDays(14), Money.FromRubles(1_000_000), A.Now);
        deal.SetApprovalState(ApprovalState.Pending, null, A.Now);
        var ex = Assert.Throws<DomainException>(() => deal.MoveToStage(A.Stage(StageCode.ProposalSent), 7, A.Now));
        Assert.Contains("согласования", ex.Message);
    }

    [Fact]
    public void WonRecordsTheCloseAndFullProbability()
    {
        var deal = A.Deal(moveTo: StageCode.ContractSigning);
        deal.MoveToStage(A.Stage(StageCode.Won), 7, A.Now);
        Assert.Equal(StageCode.Won, deal.Stage);
        Assert.Equal(A.Now, deal.ClosedAt);
        Assert.Equal(100, deal.Probability);
        var changed = Assert.IsType<DealStageChanged>(Assert.Single(deal.DomainEvents));
        Assert.Equal(StageCode.ContractSigning, changed.From);
        Assert.Equal(StageCode.Won, changed.To);
    }

    [Fact]
    public void AClosedDealDoesNotMove()
    {
        var deal = A.Deal(moveTo: StageCode.ContractSigning);
        deal.MoveToStage(A.Stage(StageCode.Won), 7, A.Now);
        Assert.Throws<DomainException>(() => deal.MoveToStage(A.Stage(StageCode.Negotiation), 7, A.Now));
        Assert.Empty(deal.ReachableStages());
    }

    [Fact]
    public void EveryMoveIsKeptInTheStageHistory()
    {
        var deal = A.Deal(moveTo: StageCode.NeedsAnalysis);
        Assert.Equal([null, StageCode.New, StageCode.Qualification], deal.StageChanges.Select(c => c.From).ToArray());
        Assert.Equal([StageCode.New, StageCode.Qualification, StageCode.NeedsAnalysis], deal.StageChanges.Select(c => c.To).ToArray());
    }

    [Fact]
    public void MovingToTheSameStageIsRefused() =>
        Assert.Throws<DomainException>(() => A.Deal(moveTo: StageCode.Qualification).MoveToStage(A.Stage(StageCode.Qualification), 7, A.Now));
}

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class DealTermsRules
{
    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public void RefusesZeroOrNegativePremium(long rubles)
    {
        var deal = A.Deal();
        var ex = Assert.Throws<DomainException>(() => deal.UpdateTerms(Money.FromRubles(rubles), A.Now.AddDays(10), A.Now));
        Assert.Equal(nameof(Deal.Premium), ex.Field);
    }

    [Fact]
    public void RefusesAbsurdPremium() =>
        Assert.Contains("10 млрд", Assert.Throws<DomainException>(() =>
            A.Deal().UpdateTerms(Money.FromRubles(20_000_000_000m), A.Now.AddDays(10), A.Now)).Message);

    [Fact]
    public void RefusesAnExpectedCloseDateInThePast() =>
        Assert.Equal(nameof(Deal.ExpectedCloseDate), Assert.Throws<DomainException>(() =>
            A.Deal().UpdateTerms(Money.FromRubles(10), A.Now.AddDays(-1), A.Now)).Field);

    [Fact]
    public void TermsAreOneChangeAndNothingHappensWhenNothingChanges()
    {
        var deal = A.Deal();
        deal.ClearDomainEvents();
        deal.UpdateTerms(deal.Premium, deal.ExpectedCloseDate, A.Now, deal.Probability);
        deal.SetProbability(deal.Probability, A.Now);
        deal.SetNegotiationStrategy(deal.NegotiationStrategy, A.Now);
        Assert.Empty(deal.DomainEvents);

        deal.UpdateTerms(Money.FromRubles(deal.Premium.Kopecks / 100 + 1000), deal.ExpectedCloseDate.AddDays(7), A.Now, 65);
        Assert.Single(deal.DomainEvents);
        Assert.Equal(65, deal.Probability);
        Assert.Throws<DomainException>(() => deal.UpdateTerms(deal.Premium, deal.ExpectedCloseDate, A.Now, 101));
    }

    [Fact]
    public void TheApprovalStateMovesOnlyAsTheWorkflowDoes()
    {
        var deal = A.Deal();
        Assert.Throws<DomainException>(() => deal.SetApprovalState(ApprovalState.Approved, Money.FromRubles(1), A.Now));
        deal.SetApprovalState(ApprovalState.Pending, null, A.Now);
        Assert.Throws<DomainException>(() => deal.SetApprovalState(ApprovalState.Pending, null, A.Now));
        Assert.Throws<DomainException>(() => deal.SetApprovalState(ApprovalState.Approved, null, A.Now));
        deal.SetApprovalState(ApprovalState.Rejected, null, A.Now);
        Assert.Throws<DomainException>(() => deal.SetApprovalState(ApprovalState.Approved, Money.FromRubles(1), A.Now));
    }

    [Fact]
    public void FreezesThePremiumWhileADiscountAwaitsApproval()
    {
        var deal = A.Deal();
        deal.SetApprovalState(ApprovalState.Pending, null, A.Now);
        Assert.Throws<DomainException>(() => deal.UpdateTerms(Money.FromRubles(500_000), deal.ExpectedCloseDate, A.Now));
        deal.UpdateTerms(deal.Premium, A.Now.AddDays(40), A.Now); // the date may still change
        Assert.Equal(A.Now.AddDays(40).Date, deal.ExpectedCloseDate);
    }

    [Fact]
    public void RefusesOverLongNotes() =>
        Assert.Contains("длиннее", Assert.Throws<DomainException>(() => A.Deal().SetNegotiationStrategy(new string('x', 4001), A.Now)).Message);

    [Fact]
    public void AnApprovedDiscountBecomesThePremium()
    {
        var deal = A.Deal(premiumRubles: 1_000_000, moveTo: StageCode.NeedsAnalysis);
        deal.PrepareProposal(A.Now.AddDays(10), Money.FromRubles(1_000_000), A.Now);
        deal.SetApprovalState(ApprovalState.Pending, null, A.Now);
        deal.SetApprovalState(ApprovalState.Approved, Money.FromRubles(850_000), A.Now);
        Assert.Equal(Money.FromRubles(850_000), deal.Premium);
        Assert.Equal(Money.FromRubles(850_000), deal.Proposal!.Premium);
    }

    /// <summary>What the card's stage buttons and the board's drag and drop both ask before a move (one rule, StageCodes.Asks).</summary>
    [Theory]
    [InlineData(StageCode.Lost, false, StageMoveAsks.LossReason)]
    [InlineData(StageCode.Lost, true, StageMoveAsks.LossReason)]
    [InlineData(StageCode.Won, true, StageMoveAsks.WinConfirmation)]
    [InlineData(StageCode.ProposalSent, false, StageMoveAsks.Proposal)]
    [InlineData(StageCode.Negotiation, false, StageMoveAsks.Proposal)]
    [InlineData(StageCode.ContractSigning, false, StageMoveAsks.Proposal)]
    [InlineData(StageCode.ProposalSent, true, StageMoveAsks.Nothing)]
    [InlineData(StageCode.Qualification, false, StageMoveAsks.Nothing)]
    [InlineData(StageCode.NeedsAnalysis, false, StageMoveAsks.Nothing)]
    public void AMoveAsksForWhatItsStageNeeds(StageCode target, bool hasProposal, StageMoveAsks asks) =>
        Assert.Equal(asks, target.Asks(hasProposal));
}
