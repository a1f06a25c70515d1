using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Tests.Web;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// A save on the deal card while another process holds the database's write lock: the dialog shows its progress at once,
/// gives up with the Russian message when the wait runs out, keeps what the user typed and has written nothing; the same
/// save goes in once the lock is gone.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class BusyDatabaseOnTheCard : CrmComponentTest
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Database:BusyTimeoutSeconds"] = "2" };

    [Fact]
    public async Task ASaveThatWaitsShowsProgressThenAClearMessageAndWritesNothing()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=edit-terms]");
        await page.Find("[data-testid=edit-terms]").ClickAsync(new());
        Providers.WaitForElement("[data-testid=terms-premium]");
        await Providers.Find("[data-testid=terms-premium]").ChangeAsync(new() { Value = (deal.PremiumKopecks / 100 + 5000).ToString(System.Globalization.CultureInfo.InvariantCulture) });

        await using (await SqliteWriteLock.HoldAsync(ConnectionString))
        {
            var save = Providers.Find("[data-testid=dialog-save]").ClickAsync(new());
            // Rendered before the save starts waiting, so it is there however long the wait.
            Assert.NotEmpty(Providers.FindAll("[data-testid=dialog-save] .mud-progress-circular"));
            Assert.True(Providers.Find("[data-testid=dialog-save]").HasAttribute("disabled"));
            Providers.WaitForAssertion(() => Assert.Contains("База данных CRM временно недоступна", Providers.Find("[data-testid=form-error]").TextContent));
            await save;
            Assert.Equal(deal.PremiumKopecks, await PremiumAsync(deal.Id));
        }

        Assert.NotEmpty(Providers.FindAll("[data-testid=terms-premium]")); // the dialog is still open with the input
        await Providers.Find("[data-testid=dialog-save]").ClickAsync(new());
        Assert.Equal(deal.PremiumKopecks + 5000_00, await PremiumAsync(deal.Id));
    }

    private Task<long> PremiumAsync(int id) => H.QueryAsync(db => db.Deals.Where(d => d.Id == id).Select(d => d.PremiumKopecks).SingleAsync());
}
