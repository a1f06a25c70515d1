using System.Collections.Concurrent;
using System.Diagnostics;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Common;
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
    /// <summary>The pages of these tests share their results as in the app.</summary>
    protected override void AddServices(IServiceCollection services)
    {
        var shared = new LiveSharedResults(Live, H.Time);
        services.AddSingleton<ISharedResults>(shared);
        services.AddSingleton(DashboardOver(shared));
    }

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
        // The team's members once; each member's figures and baseline once; the team's sum of them once.
        var members = await H.QueryAsync(db => db.Managers.CountAsync(m => m.Team!.Name == "Команда 1"));
        Assert.Equal(1 + 2 * members + 1, shared.Computations);
        Assert.All(first, d => Assert.Same(first[0], d));

        // A manager of team 2 sets a next step: team 1's figures stay as they are, and nobody recomputes them.
        var other = await H.DealAtAsync("m5@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m5@demo.salescrm");
        await H.Get<DealService>().SetNextStepAsync(other.Id, "Позвонить", H.Time.GetUtcNow().UtcDateTime.AddDays(1));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(1 + 2 * members + 1, shared.Computations);

        // A next step set in team 1 changes none of its figures: m1's follow the change as they are (decision 0017), and the ten
        // viewers get the team's sum made again once between them; the baseline moves with the clock only.
        var mine = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<DealService>().SetNextStepAsync(mine.Id, "Встреча с ЛПР", H.Time.GetUtcNow().UtcDateTime.AddDays(2));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var after = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(1 + 2 * members + 1 + 1, shared.Computations);
        Assert.Equal(1, shared.Follows);
        Assert.NotSame(first[0], after[0]);
        Assert.Equal(first[0].Funnel, after[0].Funnel);

        // A change the figures cannot follow (the terms of a deal): m1's figures are read again, and the team's sum made again.
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var card = await H.Get<DealService>().GetCardAsync(mine.Id);
        await H.Get<DealService>().UpdateTermsAsync(mine.Id, card.Version, card.PremiumKopecks + 100_00, card.ExpectedCloseDate);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => View()));
        Assert.Equal(1 + 2 * members + 1 + 1 + 2, shared.Computations);

        // Another team's lead is still refused by the access check, which runs for every viewer.
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var team1 = await H.QueryAsync(db => db.Teams.Where(t => t.Name == "Команда 1").Select(t => t.Id).SingleAsync());
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() => dashboard.LoadAsync(team1, month, AttentionFilter.None));
    }

    [Fact]
    public async Task AManagersFiguresFollowAMoveToExactlyWhatReadingThemAgainGives()
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var options = H.Get<CrmOptions>();
        var now = H.Time.GetUtcNow().UtcDateTime;
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone);
        // A deal of the team in qualification for over a year (whatever day the demo was made): the longest stuck of all.
        const string owner = "m1@demo.salescrm";
        var longest = await H.DealAtAsync(owner, StageCode.Qualification);
        var other = await H.DealAtAsync(owner, StageCode.Qualification, longest.Id);
        await using (var db = H.Db())
            await db.Deals.Where(d => d.Id == longest.Id).ExecuteUpdateAsync(u => u.SetProperty(d => d.StageEnteredAt, now.AddDays(-400)));
        other = await H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == other.Id));
        var before = await DashboardOver(shared).LoadAsync(null, month, AttentionFilter.None);
        var computations = shared.Computations;

        // The stuck deal moves on (it leaves the stuck list), the other deal moves back and forth.
        var stuck = before.Stuck.Single(d => d.DealId == longest.Id);
        await H.User.SignInAsAsync(owner);
        var deals = H.Get<DealService>();
        await deals.MoveStageAsync(stuck.DealId, (await deals.GetCardAsync(stuck.DealId)).Version, stuck.Stage + 1);
        await deals.MoveStageAsync(other.Id, (await deals.GetCardAsync(other.Id)).Version, StageCode.NeedsAnalysis);
        await deals.MoveStageAsync(other.Id, (await deals.GetCardAsync(other.Id)).Version, StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");

        var followed = await DashboardOver(shared).LoadAsync(null, month, AttentionFilter.None);
        Assert.Equal(3, shared.Follows);
        Assert.Equal(computations + 1, shared.Computations); // the team's sum only: the owner's figures followed the moves
        var read = await ActivatorUtilities.CreateInstance<DashboardService>(H.Get<IServiceProvider>(), new UnsharedResults())
            .LoadAsync(null, month, AttentionFilter.None);
        Assert.Equal(read.Funnel, followed.Funnel);
        Assert.Equal(read.MonthForecast, followed.MonthForecast);
        Assert.Equal(read.QuarterForecast, followed.QuarterForecast);
        Assert.Equal(read.StuckTotal, followed.StuckTotal);
        // The stuck deal left the count, and so did the other deal if it was stuck too (the demo's data depends on the day).
        var stages = await H.Get<LookupService>().StagesAsync();
        var otherWasStuck = PipelineFigures.IsStuck(other.Stage, other.StageEnteredAt, stages.Single(s => s.Code == other.Stage).StuckAfterDays, before.ComputedAt);
        Assert.Equal(before.StuckTotal - 1 - (otherWasStuck ? 1 : 0), followed.StuckTotal);
        Assert.Equal(read.Stuck, followed.Stuck);
        Assert.DoesNotContain(followed.Stuck, d => d.DealId == stuck.DealId);
        Assert.Equal(read.AttentionCounts, followed.AttentionCounts);
        Assert.NotEqual(before.Funnel, followed.Funnel);
        Assert.Contains(lead.VisibleOwnerIds!, id => id == stuck.OwnerId);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3)]
    public async Task APipelineBoardFollowsMovesAndNextStepsToExactlyWhatReadingItAgainGives(int cards)
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        var pipeline = ActivatorUtilities.CreateInstance<SalesCrm.Data.Pipeline.PipelineService>(H.Get<IServiceProvider>(), shared);
        var fresh = ActivatorUtilities.CreateInstance<SalesCrm.Data.Pipeline.PipelineService>(H.Get<IServiceProvider>(), new UnsharedResults());
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var filter = new SalesCrm.Data.Pipeline.PipelineFilter { Cards = cards };
        var before = await pipeline.LoadAsync(filter);
        var computations = shared.Computations;

        // The longest-waiting card of a column moves on, another deal moves back and forth, and a card gets a next step.
        var first = before.Columns.First(c => c.Stage == StageCode.Qualification).Cards[0];
        var other = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification, first.DealId);
        var deals = H.Get<DealService>();
        await deals.MoveStageAsync(first.DealId, first.Version, StageCode.NeedsAnalysis);
        await deals.MoveStageAsync(other.Id, (await deals.GetCardAsync(other.Id)).Version, StageCode.NeedsAnalysis);
        await deals.MoveStageAsync(other.Id, (await deals.GetCardAsync(other.Id)).Version, StageCode.Qualification);
        var shown = before.Columns.First(c => c.Stage == StageCode.New).Cards[0];
        await deals.SetNextStepAsync(shown.DealId, "Позвонить ЛПР", H.Time.GetUtcNow().UtcDateTime.AddDays(1));

        var followed = await pipeline.LoadAsync(filter);
        Assert.Equal(4, shared.Follows);
        Assert.Equal(computations, shared.Computations);
        var read = await fresh.LoadAsync(filter);
        Assert.Equal(read.Columns.Select(c => (c.Stage, c.Count, c.PremiumKopecks, c.WeightedKopecks)), followed.Columns.Select(c => (c.Stage, c.Count, c.PremiumKopecks, c.WeightedKopecks)));
        foreach (var (expected, actual) in read.Columns.Zip(followed.Columns)) Assert.Equal(expected.Cards, actual.Cards);
        Assert.Equal("Позвонить ЛПР", followed.Columns.SelectMany(c => c.Cards).Single(c => c.DealId == shown.DealId).NextStepTitle);
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

    [Fact]
    public async Task AnotherTeamsChangeCausesNoQueryOnATeamsDashboardsAndItsViewersCauseOneComputation()
    {
        var shared = (LiveSharedResults)Services.GetRequiredService<ISharedResults>();
        await H.User.SignInAsAsync("lead@demo.salescrm");
        using var queries = new DatabaseCommands(ConnectionString);

        // One viewer: a move in the team costs one computation of its figures (and no query for anything else).
        var pages = new List<IRenderedComponent<DashboardPage>> { RenderInLayout<DashboardPage>(_ => { }) };
        pages[0].WaitForAssertion(() => Assert.NotEmpty(pages[0].FindAll("[data-testid=funnel-stage]")));
        var alone = await QueriesForAMoveAsync(pages, await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification), queries);
        Assert.True(alone > 0);

        // Five viewers of the same scope.
        for (var i = 0; i < 4; i++) pages.Add(Render<DashboardPage>());
        foreach (var page in pages) page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=funnel-stage]")));

        // A move in team 2, then one in team 1, counted together: the team-2 move adds no query to the team-1 pages, and the five
        // pages update with the queries of one computation — as many as one viewer caused.
        var other = await H.DealAtAsync("m5@demo.salescrm", StageCode.Qualification);
        var mine = await H.DealAtAsync("m2@demo.salescrm", StageCode.Qualification);
        queries.Reset();
        await MoveAsync(other, queries);
        Assert.Equal(0, queries.Count);
        var five = await QueriesForAMoveAsync(pages, mine, queries, reset: false);
        Assert.Equal(alone, five);
    }

    [Fact]
    public async Task TheDepartmentsFiguresAreItsTeamsAddedUpAndEqualTheWholeDepartmentsQueries()
    {
        using var shared = new LiveSharedResults(Live, H.Time);
        await H.AddStaffAsync("noteam@demo.salescrm", SalesCrm.Domain.Teams.StaffRole.Manager); // staff outside any team count too
        await H.User.SignInAsAsync("head@demo.salescrm");
        var now = H.Time.GetUtcNow().UtcDateTime;
        var options = H.Get<CrmOptions>();
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone);
        foreach (var filter in new[] { AttentionFilter.None, AttentionFilter.NoActivity })
        {
            var combined = await DashboardOver(shared).LoadAsync(null, month, filter);
            await using var db = H.Db();
            var stages = await H.Get<LookupService>().StagesAsync();
            var comparison = PeriodComparison.Of(month, now, options.TimeZone);
            var funnel = await DashboardQueries.FunnelAsync(db, null, stages, comparison, default);
            Assert.Equal(funnel, combined.Funnel);
            Assert.Equal(await DashboardQueries.ForecastAsync(db, null, month, default), combined.MonthForecast);
            Assert.Equal(await DashboardQueries.ForecastAsync(db, null, ReportingPeriod.Containing(PeriodKind.Quarter, now, options.TimeZone), default), combined.QuarterForecast);
            var (stuck, stuckTotal) = await DashboardQueries.StuckAsync(db, null, stages, now, DashboardService.ListSize, default);
            Assert.Equal(stuckTotal, combined.StuckTotal);
            Assert.Equal(stuck, combined.Stuck);
            foreach (var single in new[] { AttentionFilter.ProposalExpiring, AttentionFilter.NoActivity, AttentionFilter.HighRiskClient })
                Assert.Equal(await DashboardQueries.Attention(db, null, single, now, options.Today(now), options.Thresholds).CountAsync(), combined.AttentionCounts[single]);
            var attention = DashboardQueries.Attention(db, null, filter, now, options.Today(now), options.Thresholds);
            if (filter != AttentionFilter.None)
            {
                Assert.Equal(await attention.CountAsync(), combined.AttentionTotal);
                Assert.Equal(await DashboardQueries.AttentionRowsAsync(attention, DashboardService.ListSize, default), combined.Attention);
            }
        }
    }

    private static string Funnel(IRenderedComponent<DashboardPage> page) =>
        string.Join(",", page.FindAll("[data-testid=funnel-stage]").Select(e => e.GetAttribute("data-count")));

    /// <summary>Moves a deal of team 1 and counts the queries until every page shows the new funnel (the move's own excluded).</summary>
    private async Task<int> QueriesForAMoveAsync(List<IRenderedComponent<DashboardPage>> pages, Deal deal, DatabaseCommands queries, bool reset = true)
    {
        var before = pages.Select(Funnel).ToList();
        if (reset) queries.Reset();
        await MoveAsync(deal, queries);
        for (var i = 0; i < pages.Count; i++)
        {
            var (page, old) = (pages[i], before[i]);
            page.WaitForAssertion(() => Assert.NotEqual(old, Funnel(page)));
        }
        return queries.Count;
    }

    /// <summary>Moves a deal between qualification and needs analysis through the data layer, whose commit publishes to the pages.</summary>
    private async Task MoveAsync(Deal deal, DatabaseCommands queries)
    {
        await using var db = H.Db();
        queries.Exclude(db.Database.GetDbConnection());
        var tracked = await db.Deals.SingleAsync(d => d.Id == deal.Id);
        var target = await db.Stages.SingleAsync(s => s.Code == (tracked.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification));
        tracked.MoveToStage(target, tracked.OwnerId, H.Time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
    }

    /// <summary>The SQL commands EF Core runs on one test's database (other tests run on their own copies at the same time).</summary>
    private sealed class DatabaseCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _database;
        private readonly ConcurrentBag<IDisposable> _subscriptions = [];
        private readonly ConcurrentDictionary<System.Data.Common.DbConnection, bool> _excluded = new();
        private int _count;

        public DatabaseCommands(string connectionString)
        {
            _database = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        /// <summary>Leaves out the commands of this connection (the change being made, not the pages' answer to it).</summary>
        public void Exclude(System.Data.Common.DbConnection connection) => _excluded[connection] = true;

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) _subscriptions.Add(value.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
                && data.Command.Connection is { } connection && !_excluded.ContainsKey(connection)
                && connection.DataSource is { } source && source.EndsWith(Path.GetFileName(_database), StringComparison.Ordinal))
                Interlocked.Increment(ref _count);
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            foreach (var s in _subscriptions) s.Dispose();
        }
    }
}
