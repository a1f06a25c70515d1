using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Pages.Dashboard;
using SalesCrm.Web.Live;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Live pages at scale: a change reaches only the pages whose scope it touches, and the viewers of one scope share one
/// computation (decision 0014). Counted through the real notifier and the real services on the demo data.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class SharedLiveResults : CrmComponentTest
{
    private DashboardService DashboardOver(LiveSharedResults shared) =>
        ActivatorUtilities.CreateInstance<DashboardService>(H.Get<IServiceProvider>(), shared);

    [Fact]
    public async Task TenViewersOfOneScopeCauseOneComputationAndAnotherTeamsChangeCausesNone()
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var dashboard = DashboardOver(shared);
        var month = ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));
        Task<DashboardData> View() => dashboard.LoadAsync(null, month, AttentionFilter.None);

        var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(2, shared.Computations); // the team's members once, its figures once
        Assert.All(first, d => Assert.Same(first[0], d));

        // A manager of team 2 sets a next step: team 1's figures stay as they are, and nobody recomputes them.
        var other = await H.DealAtAsync("m5@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m5@demo.salescrm");
        await H.Get<DealService>().SetNextStepAsync(other.Id, "Позвонить", H.Time.GetUtcNow().UtcDateTime.AddDays(1));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(2, shared.Computations);

        // A move in team 1 makes its dashboard stale: ten viewers refresh with one computation between them.
        var mine = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<DealService>().SetNextStepAsync(mine.Id, "Встреча с ЛПР", H.Time.GetUtcNow().UtcDateTime.AddDays(2));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var after = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(3, shared.Computations);
        Assert.NotSame(first[0], after[0]);

        // Another team's lead is still refused by the access check, which runs for every viewer.
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var team1 = await H.QueryAsync(db => db.Teams.Where(t => t.Name == "Команда 1").Select(t => t.Id).SingleAsync());
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() => dashboard.LoadAsync(team1, month, AttentionFilter.None));
    }

    [Fact]
    public async Task TheHeadsBoardsShareOneComputationAndEachManagerKeepsTheirOwn()
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        var pipeline = ActivatorUtilities.CreateInstance<SalesCrm.Data.Pipeline.PipelineService>(H.Get<IServiceProvider>(), shared);
        await H.User.SignInAsAsync("head@demo.salescrm");
        var boards = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter())));
        Assert.Equal(1, shared.Computations);
        Assert.All(boards, b => Assert.Same(boards[0], b));

        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var mine = await pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter());
        var m2 = await H.User.SignInAsAsync("m2@demo.salescrm");
        var theirs = await pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter());
        Assert.Equal(3, shared.Computations);
        Assert.All(mine.Columns.SelectMany(c => c.Cards), c => Assert.Equal(m1.ManagerId, c.OwnerId));
        Assert.All(theirs.Columns.SelectMany(c => c.Cards), c => Assert.Equal(m2.ManagerId, c.OwnerId));
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() =>
            pipeline.LoadAsync(new SalesCrm.Data.Pipeline.PipelineFilter { OwnerId = m1.ManagerId }));
    }

    [Fact]
    public async Task ResultsNobodyAsksForAgainDoNotPileUp()
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        for (var i = 0; i < 300; i++) await shared.GetAsync($"k{i}", new SalesCrm.Data.Common.SharedScope(null), _ => Task.FromResult(i));
        Assert.Equal(300, shared.Count);
        H.Time.Advance(LiveSharedResults.MaxAge + TimeSpan.FromSeconds(1));
        Assert.Equal(7, await shared.GetAsync("fresh", new SalesCrm.Data.Common.SharedScope(null), _ => Task.FromResult(7)));
        Assert.Equal(1, shared.Count);
    }

    [Fact]
    public async Task ATeamDashboardListensToItsTeamsDealsOnly()
    {
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<DashboardPage>(_ => { });
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=funnel-stage]")), TimeSpan.FromSeconds(20));
        page.WaitForAssertion(() => Assert.Equal(0, Live.SubscriberCount(LiveNotifier.AllDeals)));
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        var m5 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync());
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Owner(m1)));
        Assert.Equal(0, Live.SubscriberCount(LiveNotifier.Owner(m5)));
        Assert.Equal(1, Live.SubscriberCount(LiveNotifier.Settings));
        Assert.Contains(m1, lead.VisibleOwnerIds!);
    }
}
