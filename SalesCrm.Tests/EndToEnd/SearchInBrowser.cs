using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The app bar's search as a manager uses it: part of their client's name typed shows the client and its deal; a colleague's
/// client of the other team is not shown; choosing a result opens it.
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
}
