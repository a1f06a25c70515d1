using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Approvals;

/// <summary>Who decides a discount: the largest discount each role approves alone, in basis points (1/100 %).</summary>
public sealed record AuthorityMatrix(int TeamLeadLimitBasisPoints = 1000, int HeadLimitBasisPoints = 2000)
{
    public static AuthorityMatrix Default { get; } = new();

    /// <summary>Validates a configured matrix: 0 &lt; team lead ≤ head &lt; 100 %.</summary>
    public AuthorityMatrix Validated()
    {
        if (TeamLeadLimitBasisPoints is <= 0 or >= 10_000 || HeadLimitBasisPoints is <= 0 or >= 10_000)
            throw new DomainException("Лимиты скидок — от 0 до 100 %.");
        if (TeamLeadLimitBasisPoints > HeadLimitBasisPoints)
            throw new DomainException("Лимит старшего менеджера не может быть больше лимита начальника отдела.");
        return this;
    }

    /// <summary>
    /// The level whose approval the discount needs. Compared exactly on kopecks, without rounding:
    /// 10 % goes to the team lead, 10.01 % to the head.
    /// </summary>
    public ApprovalRoute RouteFor(Money basePremium, Money requestedPremium)
    {
        if (!basePremium.IsPositive) throw new DomainException("Базовая премия должна быть больше нуля.");
        var discount = (decimal)(basePremium.Kopecks - requestedPremium.Kopecks) * 10_000m;
        if (discount <= (decimal)TeamLeadLimitBasisPoints * basePremium.Kopecks) return ApprovalRoute.TeamLead;
        if (discount <= (decimal)HeadLimitBasisPoints * basePremium.Kopecks) return ApprovalRoute.Head;
        return ApprovalRoute.HeadAndUnderwriter;
    }

    /// <summary>Discount as a percentage with two decimals, for display.</summary>
    public static decimal DiscountPercent(Money basePremium, Money requestedPremium) =>
        basePremium.Kopecks == 0
            ? 0
            : Math.Round((basePremium.Kopecks - requestedPremium.Kopecks) * 100m / basePremium.Kopecks, 2);
}

/// <summary>Who must approve, from the authority matrix.</summary>
public enum ApprovalRoute
{
    TeamLead = 1,
    Head = 2,
    HeadAndUnderwriter = 3,
}

/// <summary>Where a pending request waits now.</summary>
public enum ApprovalLevel
{
    TeamLead = 1,
    Head = 2,
    Underwriting = 3,
}
