using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Deals;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Web;

public sealed class DealCardPageRendering : CrmComponentTest
{
    private Task<Deal> DealAsync(string owner, StageCode stage) => H.DealAtAsync(owner, stage);

    [Fact]
    public async Task ShowsTheDealInRussianWithItsStageAndTheReachableMoves()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");

        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));

        page.WaitForAssertion(() => Assert.Equal("Qualification", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        Assert.Contains(deal.Client!.Name, page.Markup);
        Assert.Contains("Перевести на этап", page.Markup);
        Assert.Contains("Следующий шаг", page.Markup);
        var moves = page.FindAll("[data-testid=move-stage]").Select(b => b.GetAttribute("data-stage")).ToList();
        Assert.Contains("NeedsAnalysis", moves);
        Assert.Contains("Lost", moves);
        Assert.DoesNotContain("Qualification", moves);
        Assert.NotEmpty(page.FindAll("[data-testid=timeline-item][data-kind=stage]"));
    }

    [Fact]
    public async Task MovingAStageFromTheCardSavesItAndShowsTheNewStage()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=move-stage][data-stage=NeedsAnalysis]");

        await page.Find("[data-testid=move-stage][data-stage=NeedsAnalysis]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("NeedsAnalysis", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(StageCode.NeedsAnalysis, stored.Stage);
    }

    [Fact]
    public async Task AChangeSavedElsewhereReRendersTheOpenCard()
    {
        var deal = await DealAsync("m2@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=deal-stage][data-stage=NeedsAnalysis]");
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));

        // Another session (same data layer, another scope) moves the deal; the notifier delivers it after the commit.
        await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.Lost, LossReason.NoBudget);

        page.WaitForAssertion(() => Assert.Equal("Lost", page.Find("[data-testid=deal-stage]").GetAttribute("data-stage")));
        Assert.Contains("Нет бюджета", page.Markup);
    }

    [Fact]
    public async Task DisposingTheCardRemovesItsSubscription()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=deal-stage]");
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount(LiveNotifier.Deal(deal.Id)));
    }

    [Fact]
    public async Task AForeignDealShowsAccessDeniedAndNotTheDeal()
    {
        var foreign = await DealAsync("m5@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");

        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, foreign.Id));

        page.WaitForElement("[data-testid=access-denied]");
        Assert.Empty(page.FindAll("[data-testid=deal-stage]"));
        Assert.DoesNotContain(foreign.Client!.Name, page.Markup);
    }

    [Fact]
    public async Task MovingToLostAsksForTheReasonFirst()
    {
        var deal = await DealAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=move-stage][data-stage=Lost]");

        await page.Find("[data-testid=move-stage][data-stage=Lost]").ClickAsync(new());
        Providers.WaitForAssertion(() => Assert.Contains("Причина проигрыша обязательна", Providers.Markup));
        await Providers.Find("[data-testid=dialog-save]").ClickAsync(new());

        Providers.WaitForAssertion(() => Assert.Contains("Укажите причину проигрыша", Providers.Markup));
        var stored = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == deal.Id));
        Assert.Equal(StageCode.NeedsAnalysis, stored.Stage);
    }
}
