using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Pipeline;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class PipelinePageRendering : CrmComponentTest
{
    private static int Count(IRenderedComponent<PipelinePage> page, StageCode stage) =>
        int.Parse(page.Find($"[data-testid=kanban-column][data-stage={stage}]").GetAttribute("data-count")!, System.Globalization.CultureInfo.InvariantCulture);

    private static bool InColumn(IRenderedComponent<PipelinePage> page, int dealId, StageCode stage) =>
        page.FindAll($"[data-testid=kanban-column][data-stage={stage}] [data-testid=kanban-card][data-deal-id='{dealId}']").Count == 1;

    [Fact]
    public async Task AManagerSeesOneColumnPerOpenStageWithOwnDealsAndTheirSignals()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForElements("[data-testid=kanban-column]", 6);

        var open = await H.QueryAsync(db => db.Deals.AsNoTracking().Where(d => d.OwnerId == me.ManagerId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .GroupBy(d => d.Stage).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count));
        foreach (var stage in StageCodes.Open) Assert.Equal(open.GetValueOrDefault(stage), Count(page, stage));
        Assert.Equal(2, page.FindAll("[data-testid=kanban-drop]").Count); // Won and Lost at the edge

        // Every card on the board is one of m1's open deals; the stuck ones say so.
        var cards = page.FindAll("[data-testid=kanban-card]");
        Assert.NotEmpty(cards);
        var mine = (await H.QueryAsync(db => db.Deals.Where(d => d.OwnerId == me.ManagerId).Select(d => d.Id).ToListAsync())).ToHashSet();
        Assert.All(cards, c => Assert.Contains(int.Parse(c.GetAttribute("data-deal-id")!, System.Globalization.CultureInfo.InvariantCulture), mine));
        Assert.NotEmpty(page.FindAll("[data-testid=card-signal][data-signal=Stuck]"));
        Assert.NotEmpty(page.FindAll("[data-testid=card-signal][data-signal=NoNextStep]"));
    }

    [Fact]
    public async Task ColumnsLoadAPageOfCardsCountingThemAllAndShowMoreOnAClick()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var pipeline = H.Get<SalesCrm.Data.Pipeline.PipelineService>();
        var paged = await pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter { Cards = 3 });
        Assert.All(paged.Columns, c => Assert.True(c.Cards.Count <= 3 && c.Cards.Count <= c.Count));
        Assert.Contains(paged.Columns, c => c.Count > 3);
        // The longest in stage come first, as on the whole board.
        var whole = await pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter { Cards = SalesCrm.Data.Pipeline.PipelineService.MaxCardsPerColumn });
        foreach (var column in paged.Columns)
            Assert.Equal(whole.Columns.Single(c => c.Stage == column.Stage).Cards.Take(3).Select(c => c.DealId), column.Cards.Select(c => c.DealId));

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/pipeline?cards=3");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForElements("[data-testid=kanban-column]", 6);
        page.FindAll("[data-testid=kanban-more]")[0].Click();
        Assert.Contains("cards=6", navigation.Uri);
    }

    [Fact]
    public async Task ARefusedMovePutsTheCardBackWithTheReason()
    {
        // A deal with a proposal whose discount awaits approval cannot be marked "Proposal sent".
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await using (var db = H.Db())
        {
            var tracked = await db.Deals.SingleAsync(d => d.Id == deal.Id);
            var now = H.Time.GetUtcNow().UtcDateTime;
            tracked.PrepareProposal(now.AddDays(10), tracked.Premium, now);
            tracked.SetApprovalState(ApprovalState.Pending, null, now);
            await db.SaveChangesAsync();
        }
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForAssertion(() => Assert.True(InColumn(page, deal.Id, StageCode.NeedsAnalysis)));

        var card = page.Find($"[data-testid=kanban-card][data-deal-id='{deal.Id}']");
        await card.DragStartAsync(new());
        await page.Find("[data-testid=kanban-column][data-stage=ProposalSent]").DropAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.True(InColumn(page, deal.Id, StageCode.NeedsAnalysis));
            Assert.Contains("ждёт согласования", page.Find($"[data-testid=kanban-card][data-deal-id='{deal.Id}'] [data-testid=card-refused]").TextContent);
        });
        Assert.Equal(StageCode.NeedsAnalysis, (await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).Stage);
    }

    [Fact]
    public async Task DraggingACardToTheNextColumnMovesTheDeal()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForAssertion(() => Assert.True(InColumn(page, deal.Id, StageCode.Qualification)));
        var before = (Count(page, StageCode.Qualification), Count(page, StageCode.NeedsAnalysis));

        await page.Find($"[data-testid=kanban-card][data-deal-id='{deal.Id}']").DragStartAsync(new());
        await page.Find("[data-testid=kanban-column][data-stage=NeedsAnalysis]").DropAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.True(InColumn(page, deal.Id, StageCode.NeedsAnalysis));
            Assert.Equal(before.Item1 - 1, Count(page, StageCode.Qualification));
            Assert.Equal(before.Item2 + 1, Count(page, StageCode.NeedsAnalysis));
        });
        var audit = await H.QueryAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "Deal" && a.EntityId == deal.Id.ToString() && a.Field == "Stage"));
        Assert.Equal(1, audit);
    }

    [Fact]
    public async Task AMoveSavedElsewhereMovesTheCardOnAnOpenBoard()
    {
        var deal = await H.DealAtAsync("m2@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForAssertion(() => Assert.True(InColumn(page, deal.Id, StageCode.Qualification)));

        await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.NeedsAnalysis);

        page.WaitForAssertion(() => Assert.True(InColumn(page, deal.Id, StageCode.NeedsAnalysis)));
    }

    [Fact]
    public async Task ADropOnLostAsksForTheReasonAndKeepsTheCardUntilOneIsGiven()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<PipelinePage>(_ => { });
        page.WaitForAssertion(() => Assert.True(InColumn(page, deal.Id, StageCode.Negotiation)));

        await page.Find($"[data-testid=kanban-card][data-deal-id='{deal.Id}']").DragStartAsync(new());
        var drop = page.Find("[data-testid=kanban-drop][data-stage=Lost]").DropAsync(new()); // completes when the dialog closes
        Providers.WaitForElement("[data-testid=dialog-save]");
        await Providers.Find("[data-testid=dialog-save]").ClickAsync(new());
        Providers.WaitForAssertion(() => Assert.Contains("Укажите причину проигрыша", Providers.Markup));
        Assert.True(InColumn(page, deal.Id, StageCode.Negotiation));
        Assert.Equal(StageCode.Negotiation, (await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id))).Stage);

        await Providers.Find("[data-testid=dialog-cancel]").ClickAsync(new());
        await drop;
    }
}
