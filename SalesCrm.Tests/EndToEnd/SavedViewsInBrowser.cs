using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// A manager sets up the deal list (only open deals, cheapest first, without the product column), saves it as the default
/// view, and opening /deals afresh brings it back; a second view is one click away from the first; deleting the view leaves
/// the menu without it.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class SavedViewsInBrowser(RunningApp app)
{
    private const string User = "m4@demo.salescrm";

    [Fact]
    public async Task TheDefaultViewComesBackWithItsFilterSortAndColumns()
    {
        var name = $"Мои открытые {Guid.NewGuid():N}"[..24];
        var page = await app.SignedInPageAsync(User, 1366, 768);
        try
        {
            await RunningApp.GotoInteractiveAsync(page, "/deals");
            var grid = page.GetByTestId("deal-grid");

            await page.GetByText("Только открытые").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"open=1"));
            await grid.Locator("th").Filter(new() { HasText = "Премия" }).GetByText("Премия").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"sort=Premium"));
            await page.GetByTestId("columns-menu").ClickAsync();
            await page.Locator("[data-testid=column-toggle][data-column=product]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"hide=product"));
            await page.Keyboard.PressAsync("Escape");
            await Expect(grid.Locator("th").Filter(new() { HasText = "Продукт" })).ToHaveCountAsync(0);

            await SaveAsync(page, name, isDefault: true);
            await Expect(page.GetByTestId("views-menu")).ToContainTextAsync(name);

            // Opened afresh with no address: the default view applies.
            await RunningApp.GotoInteractiveAsync(page, "/deals");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/deals\?open=1&sort=Premium&desc=0&hide=product$"));
            await Expect(grid.Locator("th").Filter(new() { HasText = "Продукт" })).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("views-menu")).ToContainTextAsync(name);
            await Expect(page.GetByTestId("deal-row").Nth(1)).ToBeAttachedAsync();
            var ids = (await page.GetByTestId("deal-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.dealId)")).Select(int.Parse).Take(2).ToList();
            await using (var db = TestDatabase.CreateContext(app.ConnectionString))
            {
                var premiums = await db.Deals.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.PremiumKopecks);
                Assert.True(premiums[ids[0]] <= premiums[ids[1]], "cheapest first");
            }

            // A second view, then back to the first in one click.
            await RunningApp.GotoInteractiveAsync(page, "/deals?stage=Negotiation");
            await SaveAsync(page, "Переговоры", isDefault: false);
            await page.GetByTestId("views-menu").ClickAsync();
            await page.GetByTestId("view-item").Filter(new() { HasText = name }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/deals\?open=1&sort=Premium&desc=0&hide=product$"));
            await Expect(grid.Locator("th").Filter(new() { HasText = "Продукт" })).ToHaveCountAsync(0);

            // Renamed: the open view keeps its address under the new name.
            await page.GetByTestId("views-menu").ClickAsync();
            await page.GetByTestId("view-rename").ClickAsync();
            await page.Locator("input[data-testid=view-name], [data-testid=view-name] input").First.FillAsync("Дешёвые открытые");
            await page.GetByTestId("view-save-submit").ClickAsync();
            await Expect(page.GetByTestId("view-save-submit")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("views-menu")).ToContainTextAsync("Дешёвые открытые");

            await page.GetByTestId("views-menu").ClickAsync();
            await page.GetByTestId("view-delete").ClickAsync();
            await page.GetByTestId("views-menu").ClickAsync();
            await Expect(page.GetByTestId("view-item")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("view-item")).ToContainTextAsync("Переговоры");
        }
        finally
        {
            await page.Context.CloseAsync();
            await using var db = TestDatabase.CreateContext(app.ConnectionString);
            var owner = await db.Managers.Where(m => m.Email == User).Select(m => m.Id).SingleAsync();
            await db.SavedViews.Where(v => v.OwnerId == owner).ExecuteDeleteAsync();
        }
    }

    private static async Task SaveAsync(IPage page, string name, bool isDefault)
    {
        await page.GetByTestId("views-menu").ClickAsync();
        await page.GetByTestId("view-save").ClickAsync();
        await page.Locator("input[data-testid=view-name], [data-testid=view-name] input").First.FillAsync(name);
        await page.Locator("input[data-testid=view-default], [data-testid=view-default] input").First.SetCheckedAsync(isDefault);
        await page.GetByTestId("view-save-submit").ClickAsync();
        await Expect(page.GetByTestId("view-save-submit")).ToHaveCountAsync(0);
    }
}
