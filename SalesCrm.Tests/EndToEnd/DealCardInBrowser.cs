using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>The real app in Debian's Chromium: a manager works a deal; another manager's deal stays closed to them.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class DealCardInBrowser(RunningApp app)
{
    private Task<int> DealOfAsync(string email, StageCode stage) => app.DealAtAsync(email, stage);

    [Fact]
    public async Task AManagerMovesADealStageAndItIsStillThereAfterAReload()
    {
        var page = await app.SignedInPageAsync("m1@demo.salescrm");
        var dealId = await DealOfAsync("m1@demo.salescrm", StageCode.Qualification);

        // Open it the way a manager does: from the deal list filtered by stage.
        await RunningApp.GotoInteractiveAsync(page, "/deals?stage=Qualification");
        await page.Locator($"[data-testid=deal-row][data-deal-id='{dealId}']").ClickAsync();
        await RunningApp.ExpectPathAsync(page, $"/deals/{dealId}");
        await page.GetByTestId("app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("deal-stage")).ToHaveAttributeAsync("data-stage", "Qualification");

        await page.Locator("[data-testid=move-stage][data-stage=NeedsAnalysis]").ClickAsync();
        await Expect(page.GetByTestId("deal-stage")).ToHaveAttributeAsync("data-stage", "NeedsAnalysis");

        await page.ReloadAsync();
        await page.GetByTestId("app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("deal-stage")).ToHaveAttributeAsync("data-stage", "NeedsAnalysis");
        await Expect(page.Locator("[data-testid=timeline-item][data-kind=stage]").First).ToContainTextAsync("Анализ потребностей");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AManagerOpeningAnotherManagersDealByUrlSeesAccessDenied()
    {
        var page = await app.SignedInPageAsync("m1@demo.salescrm");
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var foreign = await db.Deals.Where(d => d.Owner!.Email == "m5@demo.salescrm").OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();

        await RunningApp.GotoInteractiveAsync(page, $"/deals/{foreign}");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("access-denied")).ToContainTextAsync("Доступ запрещён");
        await Expect(page.GetByTestId("deal-stage")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
