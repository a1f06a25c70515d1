using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Tests.Domain;

/// <summary>Test data for the domain rules.</summary>
internal static class A
{
    public static readonly DateTime Now = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    public static PipelineStage Stage(StageCode code) => new(code);

    public static Deal Deal(long premiumRubles = 1_000_000, StageCode moveTo = StageCode.New)
    {
        var deal = new Deal(clientId: 1, productId: 1, ownerId: 7, Money.FromRubles(premiumRubles), Now.AddDays(30),
            Stage(StageCode.New), createdById: 7, Now.AddDays(-10));
        foreach (var code in StageCodes.Open.Skip(1).Where(c => c <= moveTo))
        {
            if (code.RequiresProposal() && deal.Proposal is null)
                deal.PrepareProposal(Now.AddDays(20), Money.FromRubles(premiumRubles), Now.AddDays(-5));
            deal.MoveToStage(Stage(code), 7, Now.AddDays(-5));
        }
        deal.ClearDomainEvents();
        return deal;
    }
}
