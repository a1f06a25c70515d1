using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>Two people, two browsers and the office TV: a stage change shows up everywhere without a reload.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class LiveDashboardInBrowser(RunningApp app)
{
    private static async Task<int> CountAsync(IPage page, StageCode stage) =>
        int.Parse((await page.Locator($"[data-testid=funnel-stage][data-stage={stage}]").GetAttributeAsync("data-count"))!,
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task AStageMoveByAManagerReachesTheLeadsDashboardAndTheBoardWithoutReload()
    {
        var dealId = await app.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);

        var lead = await app.SignedInPageAsync("lead@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(lead, "/dashboard");
        await Expect(lead.Locator("[data-testid=funnel-stage]")).ToHaveCountAsync(8);

        var tv = await (await app.Browser.NewContextAsync(new() { BaseURL = app.BaseUrl, ViewportSize = new() { Width = 1920, Height = 1080 } })).NewPageAsync();
        await RunningApp.GotoInteractiveAsync(tv, "/board?token=demo-board-token");
        await Expect(tv.Locator("[data-testid=board-panel]")).ToHaveCountAsync(5);

        var leadQ = await CountAsync(lead, StageCode.Qualification);
        var leadN = await CountAsync(lead, StageCode.NeedsAnalysis);
        var tvQ = await CountAsync(tv, StageCode.Qualification);
        var tvN = await CountAsync(tv, StageCode.NeedsAnalysis);

        var manager = await app.SignedInPageAsync("m1@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(manager, $"/deals/{dealId}");
        await manager.Locator("[data-testid=move-stage][data-stage=NeedsAnalysis]").ClickAsync();
        await Expect(manager.GetByTestId("deal-stage")).ToHaveAttributeAsync("data-stage", "NeedsAnalysis");

        var q = lead.Locator("[data-testid=funnel-stage][data-stage=Qualification]");
        var n = lead.Locator("[data-testid=funnel-stage][data-stage=NeedsAnalysis]");
        await Expect(q).ToHaveAttributeAsync("data-count", (leadQ - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(n).ToHaveAttributeAsync("data-count", (leadN + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(tv.Locator("[data-testid=funnel-stage][data-stage=Qualification]"))
            .ToHaveAttributeAsync("data-count", (tvQ - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(tv.Locator("[data-testid=funnel-stage][data-stage=NeedsAnalysis]"))
            .ToHaveAttributeAsync("data-count", (tvN + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await lead.Context.CloseAsync();
        await tv.Context.CloseAsync();
        await manager.Context.CloseAsync();
    }

    [Fact]
    public async Task AWrongBoardTokenShowsNothingOfTheData()
    {
        var tv = await (await app.Browser.NewContextAsync(new() { BaseURL = app.BaseUrl })).NewPageAsync();
        await RunningApp.GotoInteractiveAsync(tv, "/board?token=guessed-token-123");
        await Expect(tv.GetByTestId("board-invalid")).ToBeVisibleAsync();
        await Expect(tv.Locator("[data-testid=funnel-stage]")).ToHaveCountAsync(0);
        await Expect(tv.Locator("[data-testid=board-panel]")).ToHaveCountAsync(0);
        await tv.Context.CloseAsync();
    }
}
