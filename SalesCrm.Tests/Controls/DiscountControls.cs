using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// Discount authority against a user who wants around it: the base is the deal's premium, never a typed number;
/// a premium is lowered only through an approved request; nobody decides their own request. Every refusal writes nothing.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class DiscountControls : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<ApprovalRequest> LoadAsync(int id) => H.QueryAsync(db => db.ApprovalRequests.AsNoTracking().SingleAsync(a => a.Id == id));

    [Fact]
    public async Task AHalfPriceDiscountIsRoutedByTheDealsPremiumNotByATypedBase()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var id = await H.Get<ApprovalService>().RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, deal.PremiumKopecks / 2, "Клиент просит половину", null));
        var request = await LoadAsync(id);
        Assert.Equal(deal.PremiumKopecks, request.BasePremiumKopecks);
        Assert.Equal(ApprovalRoute.HeadAndUnderwriter, request.Route);
        Assert.Equal(ApprovalLevel.Head, request.Level);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.DoesNotContain(await H.Get<ApprovalService>().ListAsync(ApprovalView.ForMe), r => r.Id == id);
        await Assert.ThrowsAsync<AccessDeniedException>(async () => await H.Get<ApprovalService>().ApproveAsync(id, request.Version, null));
    }

    [Fact]
    public async Task ThePremiumIsLoweredOnlyThroughAnApprovedRequest()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var deals = H.Get<DealService>();
        var card = await deals.GetCardAsync(deal.Id);
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        foreach (var lower in new[] { card.PremiumKopecks * 46 / 100, card.PremiumKopecks * 7 / 100, card.PremiumKopecks - 1 })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => deals.UpdateTermsAsync(deal.Id, card.Version, lower, card.ExpectedCloseDate));
            Assert.Contains("согласование скидки", refused.Message);
        }
        var proposal = await Assert.ThrowsAsync<DomainException>(() => deals.MoveStageAsync(deal.Id, card.Version, StageCode.ProposalSent,
            proposal: new ProposalInput(H.Time.GetUtcNow().UtcDateTime.AddDays(14), card.PremiumKopecks / 2)));
        Assert.Equal("ProposalPremium", proposal.Field);
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));

        // Raising is free; the approved request applies the lower premium.
        card = await deals.UpdateTermsAsync(deal.Id, card.Version, card.PremiumKopecks + 100_00, card.ExpectedCloseDate);
        var id = await H.Get<ApprovalService>().RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, card.PremiumKopecks * 95 / 100, "Тендер", null));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await H.Get<ApprovalService>().ApproveAsync(id, (await LoadAsync(id)).Version, null);
        Assert.Equal(card.PremiumKopecks * 95 / 100, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.PremiumKopecks).SingleAsync()));
    }

    [Fact]
    public async Task NobodyDecidesTheirOwnRequest()
    {
        // A team lead's retention offer on a seller's deal starts at the head, whatever its size.
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var approvals = H.Get<ApprovalService>();
        var own = await approvals.RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.RetentionBonus, deal.PremiumKopecks * 97 / 100, "Удержать клиента", null));
        var request = await LoadAsync(own);
        Assert.Equal(ApprovalRoute.TeamLead, request.Route);
        Assert.Equal(ApprovalLevel.Head, request.Level);
        Assert.DoesNotContain(await approvals.ListAsync(ApprovalView.ForMe), r => r.Id == own);
        Assert.False((await approvals.DetailAsync(own)).Row.CanDecide);
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ApproveAsync(own, request.Version, null));
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.EscalateAsync(own, request.Version, ApprovalLevel.Head, "Сам себе"));
        Assert.Equal(before.Split(' ').Where(l => !l.StartsWith("AuditEntries", StringComparison.Ordinal)), 
            (await H.QueryAsync(DatabaseFingerprint.TakeAsync)).Split(' ').Where(l => !l.StartsWith("AuditEntries", StringComparison.Ordinal)));
        await approvals.CancelAsync(own, request.Version);

        // The head's own request goes to underwriting: the head cannot approve it either.
        await H.User.SignInAsAsync("head@demo.salescrm");
        var headsOwn = await approvals.RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.RetentionBonus, deal.PremiumKopecks * 97 / 100, "Удержать клиента", null));
        request = await LoadAsync(headsOwn);
        Assert.Equal(ApprovalLevel.Underwriting, request.Level);
        await Assert.ThrowsAsync<AccessDeniedException>(() => approvals.ApproveAsync(headsOwn, request.Version, null));
        await H.User.SignInAsAsync("uw@demo.salescrm");
        await approvals.ApproveAsync(headsOwn, request.Version, "Риск приемлемый");
        Assert.Equal(ApprovalRequestState.Approved, (await LoadAsync(headsOwn)).State);
    }

    [Fact]
    public async Task ADealClosedWhileItsRequestWaitsVoidsTheRequestVisibly()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var id = await H.Get<ApprovalService>().RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, deal.PremiumKopecks * 95 / 100, "Тендер", null));
        var version = await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.Version).SingleAsync());

        await H.Get<DealService>().MoveStageAsync(deal.Id, version, StageCode.Lost, LossReason.NoBudget);

        var request = await H.QueryAsync(db => db.ApprovalRequests.Include(r => r.Decisions).AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal(ApprovalRequestState.Cancelled, request.State);
        Assert.Contains(request.Decisions, d => d.Kind == DecisionKind.Cancel && d.DeciderId is null && d.Comment!.Contains("Сделка проиграна", StringComparison.Ordinal));
        Assert.Equal(ApprovalState.NotRequired, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.ApprovalState).SingleAsync()));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.DoesNotContain(await H.Get<ApprovalService>().ListAsync(ApprovalView.ForMe), r => r.Id == id);
    }

    [Fact]
    public async Task ADealHandedToAnotherTeamWhileItsRequestWaitsIsDecidedByThatTeamsLead()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var id = await H.Get<ApprovalService>().RequestAsync(deal.Id, new ApprovalInput(ApprovalKind.Discount, deal.PremiumKopecks * 95 / 100, "Тендер", null));
        Assert.Equal(ApprovalLevel.TeamLead, (await LoadAsync(id)).Level);
        var m5 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync());

        await H.User.SignInAsAsync("head@demo.salescrm");
        await H.Get<SalesCrm.Data.Leads.AssignmentService>().ReassignDealsAsync([deal.Id], m5, SalesCrm.Domain.Leads.AssignmentReason.ManagerOverloaded, "Перераспределение");

        var request = await H.QueryAsync(db => db.ApprovalRequests.Include(r => r.Decisions).AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal(ApprovalRequestState.Pending, request.State);
        Assert.Contains(request.Decisions, d => d.DeciderId is null && d.Comment!.Contains("перешёл к руководителю его группы", StringComparison.Ordinal));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.DoesNotContain(await H.Get<ApprovalService>().ListAsync(ApprovalView.ForMe), r => r.Id == id);
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        Assert.Contains(await H.Get<ApprovalService>().ListAsync(ApprovalView.ForMe), r => r.Id == id);
        await H.Get<ApprovalService>().ApproveAsync(id, request.Version, null);
        Assert.Equal(ApprovalRequestState.Approved, (await LoadAsync(id)).State);
    }
}
