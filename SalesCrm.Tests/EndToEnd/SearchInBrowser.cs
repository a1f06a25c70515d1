using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The app bar's search as a manager uses it: their client's INN typed shows the client; a colleague's client of the other
/// team is not shown; choosing a result opens it. A deal is started from the pipeline, its client found in the dialog.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class SearchInBrowser(RunningApp app)
{
    [Fact]
    public async Task AManagerFindsTheirClientAsTheyTypeAndOpensIt()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var m1 = await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm");
        var m5 = await db.Managers.SingleAsync(m => m.Email == "m5@demo.salescrm");
        var client = await db.Clients.Where(c => c.OwnerId == m1.Id && c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => new { c.Id, c.Name, c.Inn }).FirstAsync();
        var others = await db.Clients.Where(c => c.OwnerId == m5.Id && !db.Deals.Any(d => d.ClientId == c.Id && d.Owner!.TeamId == m1.TeamId))
            .Select(c => c.Id).ToListAsync();

        var page = await app.SignedInPageAsync("m1@demo.salescrm", 1366, 768);
        await RunningApp.GotoInteractiveAsync(page, "/");
        var box = page.Locator("[data-testid=global-search] input");
        await box.ClickAsync();
        await box.PressSequentiallyAsync(client.Inn!, new LocatorPressSequentiallyOptions { Delay = 30 });

        var hit = page.Locator($"[data-testid=search-hit][data-kind=Client][data-id='{client.Id}']");
        await Expect(hit).ToBeVisibleAsync();
        foreach (var shown in await page.Locator("[data-testid=search-hit][data-kind=Client]").EvaluateAllAsync<string[]>("h => h.map(x => x.dataset.id)"))
            Assert.DoesNotContain(int.Parse(shown, System.Globalization.CultureInfo.InvariantCulture), others);

        await hit.ClickAsync();
        await RunningApp.ExpectPathAsync(page, $"/clients/{client.Id}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ADealIsStartedFromThePipelineWithItsClientFoundInTheDialog()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var m2 = await db.Managers.SingleAsync(m => m.Email == "m2@demo.salescrm");
        var client = await db.Clients.Where(c => c.OwnerId == m2.Id && c.MergedIntoId == null && c.Inn != null)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.Inn }).FirstAsync();
        var before = await db.Deals.CountAsync(d => d.ClientId == client.Id);

        var page = await app.SignedInPageAsync("m2@demo.salescrm", 1366, 768);
        await RunningApp.GotoInteractiveAsync(page, "/pipeline");
        await page.GetByTestId("new-deal").ClickAsync();
        await page.Locator("[data-testid=new-deal-client]").PressSequentiallyAsync(client.Inn!, new LocatorPressSequentiallyOptions { Delay = 30 });
        await page.Locator($"[data-testid=new-deal-client-option][data-id='{client.Id}']").ClickAsync();
        await page.Locator("[data-testid=new-deal-product]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
        await page.Locator("[data-testid=new-deal-premium]").FillAsync("250000");
        await page.Locator("[data-testid=next-step-title]").FillAsync("Позвонить ЛПР");
        await page.GetByTestId("dialog-save").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/deals/\d+$"));
        Assert.Equal(before + 1, await db.Deals.CountAsync(d => d.ClientId == client.Id));
        await page.Context.CloseAsync();
    }
}