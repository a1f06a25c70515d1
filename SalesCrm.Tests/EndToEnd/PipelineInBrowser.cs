using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>The pipeline board in two browsers: a manager drags a card, the team lead's board follows.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PipelineInBrowser(RunningApp app)
{
    private static string Str(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> CountAsync(IPage page, StageCode stage) =>
        int.Parse((await page.Locator($"[data-testid=kanban-column][data-stage={stage}]").GetAttributeAsync("data-count"))!,
            System.Globalization.CultureInfo.InvariantCulture);

    private async Task<int> OpenDealOfM1Async(StageCode stage)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        // The latest-entered deal of the stage is at the bottom of its column; the earliest is on top.
        var id = await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm" && d.Stage == stage && d.ApprovalState != ApprovalState.Pending)
            .OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Select(d => (int?)d.Id).FirstOrDefaultAsync();
        if (id is { } found) return found;
        // The dataset has none at that stage: m1 moves the oldest of their earlier-stage deals there, as the domain allows.
        var deal = await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm" && d.Stage < stage && d.ApprovalState != ApprovalState.Pending)
            .OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).FirstAsync();
        var target = await db.Stages.SingleAsync(x => x.Code == stage);
        if (stage.RequiresProposal() && deal.Proposal is null)
            deal.PrepareProposal(DateTime.UtcNow.Date.AddDays(20), new SalesCrm.Domain.Common.Money(deal.PremiumKopecks), DateTime.UtcNow);
        deal.MoveToStage(target, deal.OwnerId, DateTime.UtcNow.AddDays(-30));
        await db.SaveChangesAsync();
        return deal.Id;
    }

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
