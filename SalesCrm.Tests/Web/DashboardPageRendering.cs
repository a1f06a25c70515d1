using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Pages.Dashboard;
using SalesCrm.Web.Live;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class DashboardPageRendering : CrmComponentTest
{
    private static int Count(IRenderedComponent<DashboardPage> page, StageCode stage) =>
        int.Parse(page.Find($"[data-testid=funnel-stage][data-stage={stage}]").GetAttribute("data-count")!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task RendersTheHooksWithTheFigures()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DashboardPage>(_ => { });
        page.WaitForElements("[data-testid=funnel-stage]", 8);
        Assert.Equal(2, page.FindAll("[data-testid=forecast]").Count);
        var month = page.Find("[data-testid=forecast][data-period=month]");
        Assert.True(long.Parse(month.GetAttribute("data-plan")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.NotEmpty(page.FindAll("[data-testid=stuck-deal]"));
        Assert.Contains("Воронка", page.Markup);
    }

    [Fact]
    public async Task AStageChangeSavedElsewhereReRendersTheFunnel()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DashboardPage>(_ => { });
        page.WaitForElements("[data-testid=funnel-stage]", 8);
        var qualification = Count(page, StageCode.Qualification);
        var needs = Count(page, StageCode.NeedsAnalysis);

        await H.Get<DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.NeedsAnalysis);

        page.WaitForAssertion(() =>
        {
            Assert.Equal(qualification - 1, Count(page, StageCode.Qualification));
            Assert.Equal(needs + 1, Count(page, StageCode.NeedsAnalysis));
        });
    }

    [Fact]
    public async Task DisposingTheDashboardRemovesItsSubscription()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var before = Live.SubscriberCount(LiveNotifier.AllDeals);
        var page = RenderInLayout<DashboardPage>(_ => { });
        page.WaitForElements("[data-testid=funnel-stage]", 8);
        Assert.Equal(before + 1, Live.SubscriberCount(LiveNotifier.AllDeals));

        await DisposeComponentsAsync();

        Assert.Equal(before, Live.SubscriberCount(LiveNotifier.AllDeals));
    }

    [Fact]
    public async Task AManagerSeesAccessDenied()
    {
        await H.User.SignInAsAsync("m2@demo.salescrm");
        var page = RenderInLayout<DashboardPage>(_ => { });
        page.WaitForElement("[data-testid=access-denied]");
        Assert.Empty(page.FindAll("[data-testid=funnel-stage]"));
    }
}
