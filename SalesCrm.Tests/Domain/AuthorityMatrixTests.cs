using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Tests.Domain;

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
        Assert.False(request.CanDecide(StaffRole.TeamLead));
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
