using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Catalogues;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Catalogues;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The reason and competitor catalogues as /admin keeps them, and the deal card that follows them.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class CatalogueAdministration : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task ARetiredLossReasonIsRefusedEvenFromAStaleDialog()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var catalogues = H.Get<CatalogueService>();
        H.Events.Clear();
        await catalogues.SetReasonAsync(CatalogueKind.LossReason, (int)LossReason.NoResponse, "Пропал", active: false);
        await catalogues.SetReasonAsync(CatalogueKind.LossReason, (int)LossReason.Price, "Дорого", active: true);
        Assert.Contains(H.Events.Published, e => e is SettingsChanged { Area: "catalogues" });
        var reasons = await catalogues.ReasonsAsync(CatalogueKind.LossReason);
        Assert.Contains(reasons, r => r.Code == (int)LossReason.Price && r.Name == "Дорого" && r.IsActive && r.Edited);
        Assert.Contains(reasons, r => r.Code == (int)LossReason.NoResponse && !r.IsActive);
        Assert.Equal("IsActive", (await Assert.ThrowsAsync<DomainException>(() => catalogues.SetReasonAsync(CatalogueKind.LossReason, 99, "Другое", false))).Field);
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainException>(() => catalogues.SetReasonAsync(CatalogueKind.LossReason, (int)LossReason.NoBudget, "дорого", true))).Field);

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        var refused = await Assert.ThrowsAsync<DomainException>(() => H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost, LossReason.NoResponse));
        Assert.Equal("LossReason", refused.Field);
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
        var card = await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost, LossReason.Price);
        Assert.Equal(StageCode.Lost, card.Stage);
        await Assert.ThrowsAsync<AccessDeniedException>(() => catalogues.SetReasonAsync(CatalogueKind.LossReason, (int)LossReason.Price, "Цена", true));
    }

    [Fact]
    public async Task CompetitorsAreSpelledAsTheCatalogueSaysAndARenameCarriesTheirOffers()
    {
        await H.User.SignInAsAsync("admin@demo.salescrm");
        var catalogues = H.Get<CatalogueService>();
        var id = await catalogues.AddCompetitorAsync("СК «Надёжная»");
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainException>(() => catalogues.AddCompetitorAsync("ск «надёжная»"))).Field);
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainException>(() => catalogues.AddCompetitorAsync("  "))).Field);

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.Get<DealService>().AddCompetitorOfferAsync(deal.Id, "  ск «НАДЁЖНАЯ» ", 1_000_000_00, null);
        Assert.Contains(await H.QueryAsync(db => db.CompetitorOffers.Where(o => o.DealId == deal.Id).Select(o => o.Competitor).ToListAsync()), n => n == "СК «Надёжная»");
        Assert.Contains(await catalogues.CompetitorsAsync(activeOnly: true), c => c.Id == id && c.Offers == 1);

        await H.User.SignInAsAsync("head@demo.salescrm");
        await catalogues.UpdateCompetitorAsync(id, "СК «Надёжная Защита»", active: false);
        Assert.Contains(await H.QueryAsync(db => db.CompetitorOffers.Where(o => o.DealId == deal.Id).Select(o => o.Competitor).ToListAsync()), n => n == "СК «Надёжная Защита»");
        Assert.DoesNotContain(await catalogues.CompetitorsAsync(activeOnly: true), c => c.Id == id);
        Assert.Contains(await catalogues.CompetitorsAsync(activeOnly: false), c => c.Id == id && !c.IsActive && c.Offers == 1);
    }
}
