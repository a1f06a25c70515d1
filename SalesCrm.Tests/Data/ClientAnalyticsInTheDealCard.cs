using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The escalation view's client analytics: risk, premiums and losses by year, and what the client has not bought yet.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ClientAnalyticsInTheDealCard : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheDealCardCarriesTheClientsRiskLossesAndPotential()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var dealId = await H.QueryAsync(db => db.Deals
            .Where(d => me.TeamMemberIds.Contains(d.OwnerId) && db.PremiumLossYears.Any(p => p.ClientId == d.ClientId)
                        && db.Deals.Any(w => w.ClientId == d.ClientId && w.Stage == StageCode.Won))
            .Select(d => d.Id).FirstAsync());
        var card = await H.Get<DealService>().GetCardAsync(dealId);
        var a = card.ClientAnalytics;

        var client = await H.QueryAsync(db => db.Clients.Include(c => c.PremiumLossYears).SingleAsync(c => c.Id == card.Client.Id));
        Assert.Equal(client.Risk, a.Risk);
        Assert.Equal(client.RiskIndices, a.RiskIndices);
        Assert.Equal(client.PremiumLossYears.Select(p => p.Year).OrderDescending(), a.PremiumLoss.Select(p => p.Year));
        Assert.All(a.PremiumLoss, p => Assert.Equal(p.PremiumsKopecks == 0 ? null : (double)p.LossesKopecks / p.PremiumsKopecks, p.LossRatio));
        Assert.Equal(client.Branches, a.Branches);

        var won = await H.QueryAsync(db => db.Deals.Where(d => d.ClientId == client.Id && d.Stage == StageCode.Won).Select(d => d.Product!.Name)
            .Union(db.Contracts.Where(c => c.ClientId == client.Id).Join(db.Products, c => c.ProductId, p => p.Id, (c, p) => p.Name)).ToListAsync());
        var active = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Name).ToListAsync());
        Assert.Equal(won.Order(), a.ProductsBought.Order());
        // Potential: neither bought nor in an open deal of the client — the card never offers the deal's own product.
        var inWork = await H.QueryAsync(db => db.Deals.Where(d => d.ClientId == client.Id && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .Select(d => d.Product!.Name).ToListAsync());
        Assert.Equal(active.Except(won).Except(inWork).Order(), a.ProductsNotBought.Order());
        Assert.Empty(a.ProductsBought.Intersect(a.ProductsNotBought));
        if (card.Stage is not (StageCode.Won or StageCode.Lost)) Assert.DoesNotContain(card.Product.Name, a.ProductsNotBought);
    }
}
