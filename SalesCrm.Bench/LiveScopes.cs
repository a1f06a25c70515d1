using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Providers;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using SalesCrm.Web.Live;

namespace SalesCrm.Bench;

/// <summary>
/// Load scenario of live dashboards (<c>--live</c>, decision 0014): open dashboards of every team lead and of the head watch while deals move
/// in turn in every team. The stand-in is in-process and runs exactly what the page runs on a live event: the page's
/// <see cref="LiveRefresh"/> subscribed to the page's topics, calling <see cref="DashboardService.LoadAsync"/> as the
/// signed-in viewer — without Blazor's rendering and circuit, which the circuit benchmark (<c>--circuits</c>) measures.
/// Two designs run on the same data and changes:
///   unshared — every page listens to every deal change and computes all its figures itself (a team's from its managers',
///              the department's from its teams', nothing kept);
///   now    — pages listen to their scope (<see cref="LiveNotifier.Scope"/>) and share one computation per scope
///            (<see cref="LiveSharedResults"/>).
/// Printed per page type: commit → page updated p50/p95/max, dashboard computations per change; and the floor — one
/// computation per change and scope, timed alone.
/// </summary>
public static class LiveScopes
{
    public static async Task RunAsync(int deals, int viewersPerScope = 10, int changes = 40)
    {
        await using var db0 = BenchData.Open(deals);
        var leads = await db0.Managers.AsNoTracking().Where(m => m.Role == StaffRole.TeamLead && m.IsActive && m.TeamId != null)
            .OrderBy(m => m.TeamId).Select(m => m.Email).ToListAsync();
        var users = new List<CurrentUser>();
        foreach (var email in leads) users.Add(await BenchData.UserAsync(deals, email));
        var head = await BenchData.UserAsync(deals, "head@demo.salescrm");
        var movable = new List<(int DealId, int TeamIndex)>();
        for (var t = 0; t < users.Count; t++)
        {
            var owners = users[t].TeamMemberIds;
            var ids = await db0.Deals.AsNoTracking().Where(d => owners.Contains(d.OwnerId) && (d.Stage == StageCode.Qualification || d.Stage == StageCode.NeedsAnalysis))
                .OrderBy(d => d.Id).Select(d => d.Id).Take(changes).ToListAsync();
            movable.AddRange(ids.Select(id => (id, t)));
        }
        // Changes spread over the teams in turn.
        var plan = movable.GroupBy(m => m.TeamIndex).SelectMany(g => g.Select((m, i) => (m, i))).OrderBy(x => x.i).ThenBy(x => x.m.TeamIndex)
            .Select(x => x.m).Take(changes).ToList();

        Console.WriteLine();
        Console.WriteLine($"Live dashboards on {deals:N0} deals: {users.Count} teams × {viewersPerScope} team-lead dashboards + {viewersPerScope} department dashboards, {plan.Count} deal moves in turn over the teams");
        Console.WriteLine($"  floor: one computation of a team dashboard from nothing {await FloorAsync(deals, users[0]):F0} ms, of the department's {await FloorAsync(deals, head):F0} ms");
        foreach (var shared in new[] { false, true })
            await RunDesignAsync(deals, users, head, viewersPerScope, plan, shared);
    }

    private static async Task<double> FloorAsync(int deals, CurrentUser user)
    {
        await using var services = Services(deals, user, new UnsharedResults(), NullDomainEventPublisher.Instance);
        var dashboard = services.GetRequiredService<DashboardService>();
        var month = Month();
        await dashboard.LoadAsync(null, month, AttentionFilter.None);
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            await dashboard.LoadAsync(null, month, AttentionFilter.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    private static async Task RunDesignAsync(int deals, List<CurrentUser> leads, CurrentUser head, int viewersPerScope, List<(int DealId, int TeamIndex)> plan,
        bool shared)
    {
        var notifier = new LiveNotifier(NullLogger<LiveNotifier>.Instance);
        var timed = new TimedPublisher(notifier);
        using var results = new LiveSharedResults(notifier, TimeProvider.System);
        var providers = new List<ServiceProvider>();
        var viewers = new List<Viewer>();
        var computations = 0;
        foreach (var (user, index) in leads.Select((u, i) => (u, i)).Append((head, -1)))
        {
            for (var v = 0; v < viewersPerScope; v++)
            {
                ISharedResults own = shared ? results : new CountingResults(() => Interlocked.Increment(ref computations));
                var services = Services(deals, user, own, timed);
                providers.Add(services);
                var dashboard = services.GetRequiredService<DashboardService>();
                var viewer = new Viewer(index, dashboard);
                var data = await dashboard.LoadAsync(null, Month(), AttentionFilter.None);
                IReadOnlyList<string> topics = shared ? LiveNotifier.Scope(data.Scope.OwnerIds) : [LiveNotifier.AllDeals];
                viewer.Live = LiveRefresh.Start(notifier, topics, f => f(), viewer.RefreshAsync);
                viewers.Add(viewer);
            }
        }
        var before = shared ? results.Computations : computations;
        var followsBefore = results.Follows;
        var teamLatency = new List<double>();
        var headLatency = new List<double>();
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var (dealId, team) in plan)
        {
            var affected = viewers.Where(v => v.TeamIndex == team || v.TeamIndex < 0).ToList();
            var counts = affected.ToDictionary(v => v, v => v.Refreshes);
            await using (var db = new SqliteCrmDbContext(Options(deals, timed)))
            {
                db.Actor = new Actor(null, "Нагрузочный сценарий");
                var deal = await db.Deals.SingleAsync(d => d.Id == dealId);
                var target = await db.Stages.SingleAsync(s => s.Code == (deal.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification));
                deal.MoveToStage(target, deal.OwnerId, TimeProvider.System.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync();
            }
            var deadline = Stopwatch.StartNew();
            while (affected.Any(v => v.Refreshes == counts[v] || v.Busy) && deadline.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(2);
            foreach (var v in affected)
                (v.TeamIndex < 0 ? headLatency : teamLatency).Add(Stopwatch.GetElapsedTime(timed.CommittedAt, v.LastCompleted).TotalMilliseconds);
        }
        var elapsed = watch.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var computed = (shared ? results.Computations : computations) - before;
        foreach (var v in viewers) v.Live?.Dispose();
        foreach (var p in providers) await p.DisposeAsync();

        Console.WriteLine(shared
            ? "  now — pages listen to their scope, one computation per scope shared by its viewers:"
            : "  unshared — every page listens to every deal and computes all its figures itself:");
        Console.WriteLine($"    team-lead dashboard:  commit → updated p50 {P(teamLatency, 50):F0} ms  p95 {P(teamLatency, 95):F0} ms  max {teamLatency.Max():F0} ms");
        Console.WriteLine($"    department dashboard: commit → updated p50 {P(headLatency, 50):F0} ms  p95 {P(headLatency, 95):F0} ms  max {headLatency.Max():F0} ms");
        Console.WriteLine($"    dashboard computations per change: {(double)computed / plan.Count:F1}, changes followed per change: {(double)(results.Follows - followsBefore) / plan.Count:F1}   (floor: 3 — the changed manager's figures, the team's sum and the department's sum)");
        Console.WriteLine($"    process CPU: {used.TotalSeconds / elapsed.TotalSeconds / Environment.ProcessorCount * 100:F0} % of {Environment.ProcessorCount} cores over {elapsed.TotalSeconds:F1} s");
    }

    private static ReportingPeriod Month() =>
        ReportingPeriod.Containing(PeriodKind.Month, TimeProvider.System.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));

    private static double P(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static DbContextOptions<SqliteCrmDbContext> Options(int deals, IDomainEventPublisher publisher) =>
        CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(), new DatabaseOptions { ConnectionString = BenchData.ConnectionString(deals) })
            .AddInterceptors(new AuditInterceptor(TimeProvider.System), new DomainEventInterceptor(publisher)).Options;

    private static ServiceProvider Services(int deals, CurrentUser user, ISharedResults shared, IDomainEventPublisher publisher) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(publisher)
            .AddSingleton<IUserContext>(new FixedUser(user))
            .AddSingleton(shared)
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = BenchData.ConnectionString(deals),
            }).Build())
            .BuildServiceProvider();

    private sealed class Viewer(int teamIndex, DashboardService dashboard)
    {
        public int TeamIndex { get; } = teamIndex;
        public LiveRefresh? Live { get; set; }
        public int Refreshes;
        public long LastCompleted;
        public volatile bool Busy;

        public async Task RefreshAsync()
        {
            Busy = true;
            await dashboard.LoadAsync(null, Month(), AttentionFilter.None);
            LastCompleted = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref Refreshes);
            Busy = false;
        }
    }

    /// <summary>The design before decision 0014: no sharing, every call computes (and is counted).</summary>
    private sealed class CountingResults(Action counted) : ISharedResults
    {
        public Task<T> GetAsync<T>(string key, SharedScope scope, Func<CancellationToken, Task<T>> compute, CancellationToken ct = default)
        {
            if (key.StartsWith("dashboard:", StringComparison.Ordinal)) counted();
            return compute(ct);
        }

        public void Forget(string key)
        {
        }
    }

    private sealed class FixedUser(CurrentUser user) : IUserContext
    {
        public CurrentUser? Cached => user;

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult<CurrentUser?>(user);
    }

    private sealed class TimedPublisher(LiveNotifier notifier) : IDomainEventPublisher
    {
        public long CommittedAt { get; private set; }

        public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken) => PublishAsync(events, 0, cancellationToken);

        public Task PublishAsync(IReadOnlyList<IDomainEvent> events, long savingSince, CancellationToken cancellationToken)
        {
            CommittedAt = Stopwatch.GetTimestamp();
            return notifier.PublishAsync(events, savingSince, cancellationToken);
        }
    }
}
