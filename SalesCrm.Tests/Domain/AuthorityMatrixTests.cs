using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class AuthorityMatrixRouting
{
    [Theory]
    [InlineData(900_000_00L, ApprovalRoute.TeamLead)]      // 10 %
    [InlineData(899_900_00L, ApprovalRoute.Head)]          // 10.01 %
    [InlineData(800_000_00L, ApprovalRoute.Head)]          // 20 %
    [InlineData(799_900_00L, ApprovalRoute.HeadAndUnderwriter)] // 20.01 %
    public void RoutesEachBoundaryExactly(long requestedKopecks, ApprovalRoute expected) =>
        Assert.Equal(expected, AuthorityMatrix.Default.RouteFor(new Money(1_000_000_00), new Money(requestedKopecks)));

    [Fact]
    public void AHeadAndUnderwriterRequestNeedsBoth()
    {
        var request = new ApprovalRequest(1, ApprovalKind.Discount, Money.FromRubles(1_000_000), Money.FromRubles(700_000), "Тендер",
            null, 5, AuthorityMatrix.Default, A.Now);
        Assert.False(request.CanDecide(2, StaffRole.TeamLead));
        request.Approve(2, StaffRole.Head, null, A.Now);
        Assert.True(request.IsPending);
        Assert.Equal(ApprovalLevel.Underwriting, request.Level);
        request.Approve(3, StaffRole.Underwriter, "Риск приемлемый", A.Now);
        Assert.Equal(ApprovalRequestState.Approved, request.State);
    }

    [Fact]
    public void RejectingNeedsAComment()
    {
        var request = new ApprovalRequest(1, ApprovalKind.Discount, Money.FromRubles(100), Money.FromRubles(95), "x", null, 5,
            AuthorityMatrix.Default, A.Now);
        Assert.Throws<DomainException>(() => request.Reject(2, StaffRole.TeamLead, " ", A.Now));
        request.Reject(2, StaffRole.TeamLead, "Убыточность высокая", A.Now);
        Assert.Throws<DomainException>(() => request.Approve(2, StaffRole.Head, null, A.Now));
    }
}

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ApprovalEscalation
{
    private static ApprovalRequest Request(decimal discountPercent) =>
        new(1, ApprovalKind.Discount, Money.FromRubles(1_000_000), Money.FromRubles(1_000_000 - 10_000 * discountPercent), "Конкурент дешевле",
            null, 5, AuthorityMatrix.Default, A.Now);

    [Fact]
    public void BeyondTheTeamLeadsLimitItGoesStraightToTheHead()
    {
        Assert.Equal(ApprovalLevel.TeamLead, Request(10).Level);
        Assert.Equal(ApprovalLevel.Head, Request(10.01m).Level);
        Assert.Equal(ApprovalLevel.Head, Request(25).Level);
        Assert.Equal(ApprovalRoute.HeadAndUnderwriter, Request(25).Route);
    }

    [Fact]
    public void OverdueAtTheTeamLeadItMovesToTheHeadOnceAndStaysThere()
    {
        var request = Request(5);
        var sla = TimeSpan.FromHours(24);
        Assert.False(request.EscalateOverdue(sla, A.Now.AddHours(23)));
        Assert.True(request.EscalateOverdue(sla, A.Now.AddHours(24)));
        Assert.Equal(ApprovalLevel.Head, request.Level);
        Assert.Equal(A.Now.AddHours(24), request.LevelSince);
        Assert.Equal(DecisionKind.Escalate, request.Decisions.Single().Kind);
        Assert.Null(request.Decisions.Single().DeciderId);
        Assert.False(request.EscalateOverdue(sla, A.Now.AddHours(100))); // the head is the top of the sales line
        Assert.False(request.CanDecide(2, StaffRole.TeamLead));
        Assert.True(request.CanDecide(2, StaffRole.Head));
    }

    [Fact]
    public void EscalationNeedsACommentAndGoesUpOnly()
    {
        var request = Request(5);
        Assert.Equal([ApprovalLevel.Head, ApprovalLevel.Underwriting], request.EscalationTargets(2, StaffRole.TeamLead));
        Assert.Empty(request.EscalationTargets(2, StaffRole.Manager));
        Assert.Throws<DomainException>(() => request.Escalate(2, StaffRole.TeamLead, ApprovalLevel.Head, " ", A.Now));
        Assert.Throws<DomainException>(() => request.Escalate(2, StaffRole.Manager, ApprovalLevel.Head, "Прошу", A.Now));
        request.Escalate(2, StaffRole.TeamLead, ApprovalLevel.Underwriting, "Проверьте риск", A.Now);
        Assert.Equal(ApprovalLevel.Underwriting, request.Level);
        Assert.True(request.InvolvesUnderwriting);
        Assert.True(request.CanDecide(3, StaffRole.Underwriter));
        request.Approve(3, StaffRole.Underwriter, null, A.Now);
        Assert.Equal(ApprovalRequestState.Approved, request.State); // route "team lead": underwriting's yes is enough
    }

    [Fact]
    public void ATeamLeadEscalatesAHeadLevelRequestAsTheirPositionWithoutMovingIt()
    {
        var request = Request(15);
        Assert.Equal([ApprovalLevel.Head], request.EscalationTargets(2, StaffRole.TeamLead));
        request.Escalate(2, StaffRole.TeamLead, ApprovalLevel.Head, "Поддерживаю: клиент с филиалами", A.Now);
        Assert.Equal(ApprovalLevel.Head, request.Level);
        Assert.True(request.IsPending);
        Assert.Throws<DomainException>(() => request.Approve(2, StaffRole.TeamLead, null, A.Now));
        request.Approve(4, StaffRole.Head, null, A.Now);
        Assert.Equal(ApprovalRequestState.Approved, request.State);
    }

    [Fact]
    public void ThePolicyKeepsTheMatrixSane()
    {
        var policy = ApprovalPolicy.Default(A.Now);
        Assert.Equal(AuthorityMatrix.Default, policy.Matrix);
        Assert.Equal(TimeSpan.FromHours(24), policy.Sla);
        policy.Change(12.5m, 25, 8, 1, A.Now);
        Assert.Equal(new AuthorityMatrix(1250, 2500), policy.Matrix);
        Assert.Throws<DomainException>(() => policy.Change(30, 20, 8, 1, A.Now));
        Assert.Throws<DomainException>(() => policy.Change(10, 20, 0, 1, A.Now));
        Assert.Throws<DomainException>(() => policy.Change(10.001m, 20, 8, 1, A.Now));
        Assert.Equal(new AuthorityMatrix(1250, 2500), policy.Matrix);
    }
}
