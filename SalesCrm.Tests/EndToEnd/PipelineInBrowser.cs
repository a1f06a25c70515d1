using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>The pipeline board in two browsers: a manager drags a card, the team lead's board follows.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class PipelineInBrowser(RunningApp app)
{
    private static string Str(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> CountAsync(IPage page, StageCode stage) =>
        int.Parse((await page.Locator($"[data-testid=kanban-column][data-stage={stage}]").GetAttributeAsync("data-count"))!,
            System.Globalization.CultureInfo.InvariantCulture);

    private Task<int> OpenDealOfM1Async(StageCode stage) => app.DealAtAsync("m1@demo.salescrm", stage);

    [Fact]
    public async Task AManagerDragsACardAndTheTeamLeadsBoardFollowsWithoutReload()
    {
        var dealId = await OpenDealOfM1Async(StageCode.Qualification);
        var lead = await app.SignedInPageAsync("lead@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(lead, "/pipeline");
        await Expect(lead.Locator("[data-testid=kanban-column]")).ToHaveCountAsync(6);
        var q = await CountAsync(lead, StageCode.Qualification);
        var n = await CountAsync(lead, StageCode.NeedsAnalysis);

        var manager = await app.SignedInPageAsync("m1@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(manager, "/pipeline");
        var card = manager.Locator($"[data-testid=kanban-card][data-deal-id='{dealId}']");
        await card.DragToAsync(manager.Locator("[data-testid=kanban-column][data-stage=NeedsAnalysis]"));
        await Expect(manager.Locator($"[data-testid=kanban-column][data-stage=NeedsAnalysis] [data-testid=kanban-card][data-deal-id='{dealId}']"))
            .ToBeVisibleAsync();

        await Expect(lead.Locator("[data-testid=kanban-column][data-stage=Qualification]")).ToHaveAttributeAsync("data-count", Str(q - 1));
        await Expect(lead.Locator("[data-testid=kanban-column][data-stage=NeedsAnalysis]")).ToHaveAttributeAsync("data-count", Str(n + 1));
        // The column lists the longest-waiting first and renders only what is in view: the card that just arrived is at the
        // bottom of the team's column.
        await lead.WaitForFunctionAsync("""
            id => {
                const cards = document.querySelector('[data-testid=kanban-column][data-stage=NeedsAnalysis] .kanban-cards');
                cards.scrollTop = cards.scrollHeight;
                return cards.querySelector(`[data-testid=kanban-card][data-deal-id='${id}']`) !== null;
            }
            """, dealId);
        await Expect(lead.Locator($"[data-testid=kanban-column][data-stage=NeedsAnalysis] [data-testid=kanban-card][data-deal-id='{dealId}']"))
            .ToHaveCountAsync(1);
        await Expect(lead.Locator($"[data-testid=kanban-column][data-stage=Qualification] [data-testid=kanban-card][data-deal-id='{dealId}']"))
            .ToHaveCountAsync(0);
        await lead.Context.CloseAsync();
        await manager.Context.CloseAsync();
    }

    [Fact]
    public async Task ADropOnLostIsRefusedUntilAReasonIsGiven()
    {
        var dealId = await OpenDealOfM1Async(StageCode.Negotiation);
        var manager = await app.SignedInPageAsync("m1@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(manager, "/pipeline");
        var card = manager.Locator($"[data-testid=kanban-card][data-deal-id='{dealId}']");
        await card.DragToAsync(manager.Locator("[data-testid=kanban-drop][data-stage=Lost]"));

        await manager.GetByTestId("dialog-save").ClickAsync();
        await Expect(manager.Locator(".mud-dialog").GetByText("Укажите причину проигрыша.")).ToBeVisibleAsync();
        await Expect(manager.Locator($"[data-testid=kanban-column][data-stage=Negotiation] [data-testid=kanban-card][data-deal-id='{dealId}']")).ToHaveCountAsync(1);

        await manager.GetByTestId("loss-reason").ClickAsync();
        await manager.GetByRole(AriaRole.Option, new() { Name = "Нет бюджета" }).ClickAsync();
        await manager.GetByTestId("dialog-save").ClickAsync();
        await Expect(manager.Locator($"[data-testid=kanban-card][data-deal-id='{dealId}']")).ToHaveCountAsync(0);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var deal = await db.Deals.AsNoTracking().SingleAsync(d => d.Id == dealId);
        Assert.Equal(StageCode.Lost, deal.Stage);
        Assert.Equal(LossReason.NoBudget, deal.LossReason);
        await manager.Context.CloseAsync();
    }
}
