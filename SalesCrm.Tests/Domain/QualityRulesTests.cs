using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Quality;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>Each data-quality rule on hand-built records: it flags what it should and nothing else.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class QualityRulesTests
{
    private static readonly DateTime Today = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

    private static ClientFacts GoodClient => new(1, "ООО «Ромашка»", "7707083893", "Производство", "Москва", "+7 495 123-45-67", null, 2, true, true);

    private static DealFacts GoodDeal => new(1, StageCode.Negotiation, true, ApprovalState.NotRequired, null, null, Today.AddDays(10), true);

    [Fact]
    public void AGoodClientAndAGoodDealBreakNothing()
    {
        Assert.Empty(QualityRules.Check(GoodClient));
        Assert.Empty(QualityRules.Check(GoodDeal, Today));
    }

    [Fact]
    public void ClientRulesFlagExactlyTheirProblem()
    {
        Assert.Equal([QualityRule.ClientNoContact], QualityRules.Check(GoodClient with { Contacts = 0, HasDecisionMaker = false, ContactHasPhoneOrEmail = false }));
        Assert.Equal([QualityRule.ClientNoDecisionMaker], QualityRules.Check(GoodClient with { HasDecisionMaker = false }));
        Assert.Equal([QualityRule.ClientNoPhoneOrEmail], QualityRules.Check(GoodClient with { Phone = null, Email = " ", ContactHasPhoneOrEmail = false }));
        Assert.Empty(QualityRules.Check(GoodClient with { Phone = null, Email = "info@romashka.ru", ContactHasPhoneOrEmail = false }));
        Assert.Empty(QualityRules.Check(GoodClient with { Phone = null, ContactHasPhoneOrEmail = true }));
        Assert.Equal([QualityRule.ClientInnInvalid], QualityRules.Check(GoodClient with { Inn = "7707083894" }));
        Assert.Equal([QualityRule.ClientInnInvalid], QualityRules.Check(GoodClient with { Inn = null }));
        Assert.Equal([QualityRule.ClientInnInvalid], QualityRules.Check(GoodClient with { Inn = "770708389" }));
        Assert.Equal([QualityRule.ClientRequiredFieldsEmpty], QualityRules.Check(GoodClient with { Industry = "" }));
        Assert.Equal([QualityRule.ClientRequiredFieldsEmpty], QualityRules.Check(GoodClient with { Region = null }));
    }

    [Fact]
    public void DealRulesFlagExactlyTheirProblem()
    {
        Assert.Equal([QualityRule.DealNoNextStep], QualityRules.Check(GoodDeal with { HasFutureOpenTask = false }, Today));
        Assert.Empty(QualityRules.Check(GoodDeal with { Stage = StageCode.Won, HasFutureOpenTask = false, ExpectedCloseDate = Today.AddDays(-40) }, Today));

        Assert.Equal([QualityRule.DealStageInconsistent], QualityRules.Check(GoodDeal with { Stage = StageCode.ProposalSent, HasProposal = false }, Today));
        Assert.Empty(QualityRules.Check(GoodDeal with { Stage = StageCode.NeedsAnalysis, HasProposal = false }, Today));
        Assert.Equal([QualityRule.DealStageInconsistent], QualityRules.Check(GoodDeal with { Stage = StageCode.ContractSigning, ApprovalState = ApprovalState.Pending }, Today));
        Assert.Equal([QualityRule.DealStageInconsistent],
            QualityRules.Check(GoodDeal with { Stage = StageCode.Won, ApprovalState = ApprovalState.Rejected, HasFutureOpenTask = false }, Today));
        Assert.Empty(QualityRules.Check(GoodDeal with { Stage = StageCode.ContractSigning, ApprovalState = ApprovalState.Approved }, Today));

        var lost = GoodDeal with { Stage = StageCode.Lost, HasFutureOpenTask = false };
        Assert.Equal([QualityRule.DealLostWithoutReason], QualityRules.Check(lost with { LossReason = null }, Today));
        Assert.Equal([QualityRule.DealLostWithoutReason], QualityRules.Check(lost with { LossReason = LossReason.Other, LossComment = "  " }, Today));
        Assert.Empty(QualityRules.Check(lost with { LossReason = LossReason.Other, LossComment = "Ушли к партнёру" }, Today));
        Assert.Empty(QualityRules.Check(lost with { LossReason = LossReason.Price }, Today));

        Assert.Equal([QualityRule.DealCloseDatePassed], QualityRules.Check(GoodDeal with { ExpectedCloseDate = Today.AddDays(-1) }, Today));
        Assert.Empty(QualityRules.Check(GoodDeal with { ExpectedCloseDate = Today }, Today));
    }

    [Fact]
    public void AProposalSentWhileTheApprovalWasPendingIsFoundInTheHistory()
    {
        var sent = Today.AddHours(12);
        Assert.True(QualityRules.SentWithoutApproval(sent, [new ApprovalFact(1, sent.AddHours(-5), ApprovalRequestState.Approved, sent.AddHours(2))]));
        Assert.True(QualityRules.SentWithoutApproval(sent, [new ApprovalFact(1, sent.AddHours(-5), ApprovalRequestState.Pending, null)]));
        Assert.False(QualityRules.SentWithoutApproval(sent, [new ApprovalFact(1, sent.AddHours(-5), ApprovalRequestState.Approved, sent.AddHours(-1))]));
        Assert.False(QualityRules.SentWithoutApproval(sent, [new ApprovalFact(1, sent.AddHours(-5), ApprovalRequestState.Rejected, sent.AddHours(-1))]));
        Assert.False(QualityRules.SentWithoutApproval(sent, [new ApprovalFact(1, sent.AddHours(1), ApprovalRequestState.Pending, null)]));
        Assert.False(QualityRules.SentWithoutApproval(sent, []));
    }

    [Fact]
    public void AHandOverNeedsAReasonAndAnOwnerChangeNeedsAHandOver()
    {
        Assert.True(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Deal, 1, 5, AssignmentReason.Other, null, true)));
        Assert.True(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Deal, 1, 5, AssignmentReason.Other, " ", true)));
        Assert.False(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Deal, 1, 5, AssignmentReason.Other, "Клиент попросил", true)));
        Assert.False(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Client, 1, 5, AssignmentReason.Vacation, null, true)));
        Assert.False(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Client, 1, null, AssignmentReason.Other, null, true)));
        Assert.True(QualityRules.WithoutReason(new OwnerChangeFact(QualitySubject.Client, 1, null, null, null, HasAssignment: false)));
    }

    [Fact]
    public void TheScoreIsTheShareOfRecordsPassingEveryRule()
    {
        Assert.Equal(0.75, QualityRules.Score(8, 2));
        Assert.Equal(1.0, QualityRules.Score(3, 0));
        Assert.Null(QualityRules.Score(0, 0));
    }
}

/// <summary>Duplicate clients and the name similarity behind them.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ClientDuplicatesTests
{
    [Theory]
    [InlineData("ООО «Ромашка-Плюс»", "ромашка плюс")]
    [InlineData("Ромашка плюс, ООО", "ромашка плюс")]
    [InlineData("Общество с ограниченной ответственностью \"Ромашка Плюс\"", "ромашка плюс")]
    [InlineData("АО «Ёлка»", "елка")]
    [InlineData("ИП Иванов И. И.", "иванов и и")]
    public void NamesAreReducedToTheCompany(string name, string normalized) => Assert.Equal(normalized, ClientDuplicates.NormalizeName(name));

    [Fact]
    public void TheSimilarityIsTheDiceCoefficientOfBigrams()
    {
        Assert.Equal(1, ClientDuplicates.Similarity("ромашка", "ромашка"));
        Assert.Equal(0, ClientDuplicates.Similarity("ромашка", "василек"));
        // "night"/"nacht": one common bigram ("ht") of 4 + 4 → 2·1/8.
        Assert.Equal(0.25, ClientDuplicates.Similarity("night", "nacht"));
        // A typo keeps most bigrams: above the threshold; a different tail does not.
        Assert.True(ClientDuplicates.Similarity("стройинвест", "стройинвес") >= ClientDuplicates.NameThreshold);
        Assert.True(ClientDuplicates.Similarity("стройинвест", "стройсервис") < ClientDuplicates.NameThreshold);
    }

    [Fact]
    public void PairsAreFoundByInnPhoneEmailAndNameAndNothingElse()
    {
        var pairs = ClientDuplicates.Find(
        [
            new(1, "ООО «Ромашка»", "7707083893", "+7 495 123-45-67", "info@romashka.ru"),
            new(2, "Ромашка ООО", "7707083893", null, null),                               // same INN
            new(3, "ООО «Лютик»", "7736050003", "8 (495) 123-45-67", null),                // same phone as 1, written differently
            new(4, "АО «Василёк»", "7702070139", null, "INFO@romashka.ru "),               // same e-mail as 1
            new(5, "ООО «Стройинвест»", null, null, null),
            new(6, "Стройинвес ООО", "7710140679", null, null),                             // a typo, one INN missing: similar name
            new(7, "ООО «Стройсервис»", null, null, null),                                  // not similar enough
            new(8, "АО «Лютик»", "7728168971", null, null),                                 // same name as 3 but both INNs valid and different
        ]);
        Assert.Equal(
            [(1, 2, DuplicateReason.SameInn), (1, 3, DuplicateReason.SamePhone), (1, 4, DuplicateReason.SameEmail), (5, 6, DuplicateReason.SimilarName)],
            pairs.Select(p => (p.FirstId, p.SecondId, p.Reason)).ToList());
    }
}
