using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Leads;
using SalesCrm.Data.Pipeline;
using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;
using SalesCrm.Web.Components.Pages.Board;
using SalesCrm.Web.Components.Pages.Leads;
using SalesCrm.Web.Components.Pages.Pipeline;
using SalesCrm.Web.Components.Pages.Tasks;
using SalesCrm.Web.Live;

namespace SalesCrm.Bench;

/// <summary>
/// A department under live load (<c>--department</c>, decision 0014): every manager's pipeline and tasks, every team lead's
/// dashboard, leads and diagnostics, the head's department dashboard on several screens and every team's TV board are
/// open, while deals change at a steady rate with bursts, spread over the teams.
/// <para>
/// The pages are an in-process stand-in, not Blazor circuits. Each runs what its page runs on a live event, in the same
/// order: the page's own topics (the pages' <c>Topics</c> functions), <see cref="LiveRefresh"/> with the refresh queued
/// as Blazor's <c>InvokeAsync</c> queues it, and the page's service calls as the signed-in viewer (access checked per
/// viewer, results shared through the app's <see cref="LiveSharedResults"/>). The changes are the deal card's: a card read
/// and <see cref="DealService.MoveStageAsync"/> as the deal's owner, whose commit publishes through the app's interceptor
/// and notifier. What is left out is Blazor's render of the new state and the SignalR frame to the browser: the memory of
/// an idle circuit is measured by <c>--circuits</c>, and the floor below includes a broadcast.
/// </para>
/// Printed per page type: commit → page updated p50/p95/max, queries per change, and beside them the floor — one
/// computation of that page for one scope, timed alone; process CPU and managed memory for the whole run.
/// </summary>
public static class DepartmentLoad
{
    public static async Task<bool> RunAsync(int deals, int seconds = 60, int perSecond = 10, int burst = 100, bool profile = false)
    {
        QueryCounter.Profiling = profile;
        var setup = await SetupAsync(deals);
        var notifier = new LiveNotifier(NullLogger<LiveNotifier>.Instance);
        var publisher = new TimedPublisher(notifier);
        using var results = new LiveSharedResults(notifier, TimeProvider.System);
        await using var root = Services(deals, publisher, results);
        using var queries = QueryCounter.Start();

        Console.WriteLine();
        Console.WriteLine($"Department under live load on {deals:N0} deals: {setup.Teams.Count} teams, {setup.Managers.Count} managers; {perSecond} changes/s for {seconds} s with bursts of {burst}");

        Dictionary<string, double> floors;
        await using (var alone = Services(deals, NullDomainEventPublisher.Instance, new UnsharedResults()))
            floors = await FloorsAsync(alone, setup);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        var pages = await OpenPagesAsync(root, notifier, setup);
        await WaitIdleAsync(pages, TimeSpan.FromSeconds(120));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapOpen = GC.GetTotalMemory(true);
        Console.WriteLine($"  {pages.Count} pages open: {string.Join(", ", pages.GroupBy(p => p.Type).Select(g => $"{g.Count()} {g.Key}"))}");
        Console.WriteLine($"  managed memory held by the open pages: {(heapOpen - heapBefore) / 1024.0 / pages.Count:F0} KB per page (the stand-in's state and subscriptions; a Blazor circuit's own is measured by --circuits)");

        queries.Reset();
        var runStart = Stopwatch.GetTimestamp();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var changes = await DriveAsync(root, publisher, setup, seconds, perSecond, burst);
        var drained = await WaitIdleAsync(pages, TimeSpan.FromSeconds(60));
        var elapsed = watch.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        foreach (var page in pages) page.Live?.Dispose();
        await Closing.CancelAsync();

        var saved = changes.Where(c => c.Delivered > 0).ToList();
        Console.WriteLine($"  {saved.Count} changes saved ({changes.Count - saved.Count} refused), {(drained ? "all pages caught up" : "pages still busy 60 s after the last change")} {elapsed.TotalSeconds:F0} s after the start");
        var saving = saved.Select(c => Stopwatch.GetElapsedTime(c.Started, c.Committed).TotalMilliseconds).ToList();
        Console.WriteLine($"  a change as the deal card makes it (card read, move, commit): p50 {P(saving, 50):F0} ms, p95 {P(saving, 95):F0} ms, max {saving.DefaultIfEmpty(0).Max():F0} ms");
        Console.WriteLine($"  {"page type",-26} {"pages",5}  {"commit → page updated",-34} {"queries/change",14}   floor (one computation, alone)");
        var ok = true;
        foreach (var group in pages.GroupBy(p => p.Type))
        {
            var latencies = new List<double>();
            var missed = 0;
            foreach (var page in group)
                foreach (var change in saved.Where(c => page.Hears(c.OwnerId)))
                {
                    var run = page.FirstRunAfter(change.Delivered);
                    if (run is null) missed++;
                    else latencies.Add(Stopwatch.GetElapsedTime(change.Committed, run.Value).TotalMilliseconds);
                }
            var perChange = (double)queries.Of(group.Key) / Math.Max(1, saved.Count);
            var shown = latencies.Count == 0 ? (group.Key == LeadDiagnostics ? $"on its cadence: {group.Sum(p => p.RunsAfter(runStart))} measured" : "hears no deal move") : $"p50 {P(latencies, 50),5:F0}  p95 {P(latencies, 95),5:F0}  max {latencies.Max(),5:F0} ms";
            Console.WriteLine($"  {group.Key,-26} {group.Count(),5}  {shown,-34} {perChange,14:F2}   {(floors.TryGetValue(group.Key, out var f) ? $"{f:F0} ms" : "—")}{(missed > 0 ? $"   {missed} updates missing" : "")}");
            if (latencies.Count > 0 && (P(latencies, 95) > 1000 || latencies.Max() > 2000)) ok = false;
        }
        if (QueryCounter.Profiling) queries.PrintProfile(saved.Count);
        var measured = used.TotalSeconds / elapsed.TotalSeconds / Environment.ProcessorCount;
        // A run shorter than the cadence may see no measurement fall due; in a department one falls due for every team each cadence.
        var teams = pages.Count(p => p.Type == LeadDiagnostics);
        var diagnostics = floors[LeadDiagnostics] / 1000 * teams / DiagnosticsService.Cadence.TotalSeconds / Environment.ProcessorCount;
        var cpuShare = measured + diagnostics;
        Console.WriteLine($"  process CPU {measured * 100:F0} % of {Environment.ProcessorCount} cores (changes and pages together), peak working set {peak / 1024 / 1024:N0} MB; shared computations {results.Computations}, changes followed {results.Follows}");
        Console.WriteLine($"  with the diagnostics of {teams} teams measured every {DiagnosticsService.Cadence.TotalMinutes:F0} min ({floors[LeadDiagnostics] / 1000:F1} s each, alone): +{diagnostics * 100:F0} % → {cpuShare * 100:F0} %");
        Console.WriteLine($"  goal: every page p95 ≤ 1 s, max ≤ 2 s, CPU below 50 % — {(ok && cpuShare < 0.5 ? "met" : "not met")}");
        return ok && cpuShare < 0.5;
    }

    // ------------------------------------------------------------------ the department

    private sealed record Setup(List<int> Teams, List<Staff> Managers, List<Staff> Leads, Staff Head, Dictionary<int, string> BoardTokens,
        Dictionary<int, List<int>> Movable);

    private sealed record Staff(int Id, string Email, int? TeamId);

    private static async Task<Setup> SetupAsync(int deals)
    {
        await using var db = BenchData.Open(deals);
        var staff = await db.Managers.AsNoTracking().Where(m => m.IsActive).Select(m => new { m.Id, m.Email, m.TeamId, m.Role }).ToListAsync();
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync();
        var managers = staff.Where(s => s.Role == StaffRole.Manager && s.TeamId != null).Select(s => new Staff(s.Id, s.Email, s.TeamId)).ToList();
        var leads = staff.Where(s => s.Role == StaffRole.TeamLead && s.TeamId != null).OrderBy(s => s.TeamId).Select(s => new Staff(s.Id, s.Email, s.TeamId)).ToList();
        var head = staff.Where(s => s.Role == StaffRole.Head).Select(s => new Staff(s.Id, s.Email, null)).First();
        // A TV link per team, made as the admin page makes them.
        var tokens = new Dictionary<int, string>();
        var existing = await db.BoardTokens.AsNoTracking().Where(b => b.RevokedAt == null).Select(b => b.TokenHash).ToListAsync();
        foreach (var team in teams)
        {
            var token = $"bench-board-{team}";
            if (!existing.Contains(BoardToken.Hash(token)))
                db.BoardTokens.Add(new BoardToken($"ТВ команды {team}", team, token, head.Id, TimeProvider.System.GetUtcNow().UtcDateTime));
            tokens[team] = token;
        }
        await db.SaveChangesAsync();
        // Each manager's deals that move between "Qualification" and "Needs analysis" (no proposal or loss reason needed).
        var movable = (await db.Deals.AsNoTracking()
                .Where(d => (d.Stage == StageCode.Qualification || d.Stage == StageCode.NeedsAnalysis) && d.ApprovalState != ApprovalState.Pending)
                .Select(d => new { d.Id, d.OwnerId }).ToListAsync())
            .GroupBy(d => d.OwnerId).ToDictionary(g => g.Key, g => g.Select(d => d.Id).Take(200).ToList());
        return new Setup(teams, managers, leads, head, tokens, movable);
    }

    private static ServiceProvider Services(int deals, IDomainEventPublisher publisher, ISharedResults results) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(publisher)
            .AddSingleton(results)
            .AddScoped<Viewer>()
            .AddScoped<IUserContext>(sp => sp.GetRequiredService<Viewer>())
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = BenchData.ConnectionString(deals),
            }).Build())
            .BuildServiceProvider();

    // ------------------------------------------------------------------ the pages

    private const string ManagerPipeline = "manager's pipeline";
    private const string ManagerTasks = "manager's tasks";
    private const string LeadDashboard = "team lead's dashboard";
    private const string LeadLeads = "team lead's leads";
    private const string LeadDiagnostics = "team lead's diagnostics";
    private const string HeadDashboard = "department dashboard";
    private const string TvBoard = "team's TV board";

    /// <summary>An open page: who it is for, what it hears, and when each of its refreshes started and ended.</summary>
    private sealed class Page(string type, IServiceScope scope, HashSet<int>? owners)
    {
        private readonly List<(long Start, long End)> _runs = [];
        public string Type { get; } = type;
        public IServiceScope Scope { get; } = scope;
        public LiveRefresh? Live { get; set; }
        public Func<Task> Load { get; set; } = () => Task.CompletedTask;
        public volatile bool Busy;

        /// <summary>The live topics the page listens to (its page's own topics function).</summary>
        public IReadOnlyList<string> Topics { get; set; } = [];

        /// <summary>Whether a move of this owner's deal reaches the page: its topics hold the owner's, or every deal's.</summary>
        public bool Hears(int owner) => Live is not null && (owners is null || owners.Contains(owner))
            && (Topics.Contains(LiveNotifier.Owner(owner)) || Topics.Contains(LiveNotifier.AllDeals));

        public async Task RefreshAsync()
        {
            Busy = true;
            var start = Stopwatch.GetTimestamp();
            QueryCounter.Page.Value = Type;
            try
            {
                await Load();
            }
            finally
            {
                QueryCounter.Page.Value = null;
                lock (_runs) _runs.Add((start, Stopwatch.GetTimestamp()));
                Busy = false;
            }
        }

        public int RunsAfter(long at)
        {
            lock (_runs) return _runs.Count(r => r.Start >= at);
        }

        public long? FirstRunAfter(long at)
        {
            lock (_runs) return _runs.Where(r => r.Start >= at).Select(r => (long?)r.End).FirstOrDefault();
        }
    }

    private static async Task<List<Page>> OpenPagesAsync(ServiceProvider root, LiveNotifier notifier, Setup setup)
    {
        var pages = new List<Page>();
        var month = Month();

        async Task<Page> OpenAsync(string type, Staff? user, HashSet<int>? owners, Func<IServiceProvider, Func<Task>> load, Func<IReadOnlyList<string>> topics)
        {
            var scope = root.CreateScope();
            if (user is not null) await scope.ServiceProvider.GetRequiredService<Viewer>().SignInAsync(scope.ServiceProvider, user.Email);
            var page = new Page(type, scope, owners) { Load = load(scope.ServiceProvider) };
            await page.RefreshAsync();
            // Blazor's InvokeAsync from the notifier's thread queues the refresh on the circuit; Task.Run queues it the same way.
            page.Topics = topics();
            page.Live = LiveRefresh.Start(notifier, page.Topics, f => Task.Run(f), page.RefreshAsync);
            pages.Add(page);
            return page;
        }

        foreach (var m in setup.Managers)
        {
            PipelineBoardData? board = null;
            await OpenAsync(ManagerPipeline, m, [m.Id], sp => async () => board = await sp.GetRequiredService<PipelineService>().LoadAsync(new PipelineFilter()),
                () => PipelinePage.Topics(new PipelineFilter(), board));
            TaskList? tasks = null;
            await OpenAsync(ManagerTasks, m, [m.Id], sp => async () => tasks = await sp.GetRequiredService<TaskService>().ListAsync(new TaskListQuery(TasksAddress.View(null))),
                () => LiveNotifier.TaskScope(tasks?.Owners));
        }
        foreach (var lead in setup.Leads)
        {
            var team = setup.Managers.Where(m => m.TeamId == lead.TeamId).Select(m => m.Id).Append(lead.Id).ToHashSet();
            DashboardData? dashboard = null;
            await OpenAsync(LeadDashboard, lead, team, sp => async () => dashboard = await sp.GetRequiredService<DashboardService>().LoadAsync(null, month, AttentionFilter.None),
                () => LiveNotifier.Scope(dashboard?.Scope.OwnerIds));
            CurrentUser? user = null;
            // The leads page opens with its summary, the team's workload and queue and the grid's page; a deal change refreshes
            // only its workload panel (LeadsPage.WorkloadTopics), and no lead event comes in this scenario.
            var leadsPage = await OpenAsync(LeadLeads, lead, team, sp =>
            {
                user = sp.GetRequiredService<Viewer>().Cached;
                var leads = sp.GetRequiredService<LeadService>();
                var assignment = sp.GetRequiredService<AssignmentService>();
                return async () =>
                {
                    await leads.SpeedAsync(month);
                    await assignment.WorkloadAsync();
                    await leads.ListAsync(new LeadListQuery { View = LeadView.Queue, PageSize = 1 });
                    await leads.ListAsync(new LeadListQuery { View = LeadView.Queue, Page = 0, PageSize = 25 });
                };
            }, () => LeadsPage.WorkloadTopics(user));
            var workload = leadsPage.Scope.ServiceProvider.GetRequiredService<AssignmentService>();
            leadsPage.Load = async () => await workload.WorkloadAsync();
            // Diagnostics measure on opening and then on their cadence (DiagnosticsService.Cadence, DiagnosticsPage's timer), hearing
            // no deal change.
            var diagnostics = await OpenAsync(LeadDiagnostics, lead, team, sp => () => sp.GetRequiredService<DiagnosticsService>().ReportAsync(null, null, fresh: true), () => []);
            diagnostics.Live?.Dispose();
            diagnostics.Live = null;
            var report = diagnostics.Scope.ServiceProvider.GetRequiredService<DiagnosticsService>();
            diagnostics.Load = () => report.ReportAsync(null, null, fresh: false);
            _ = OnCadenceAsync(diagnostics);
        }
        for (var screen = 0; screen < setup.Teams.Count; screen++)
        {
            DashboardData? dashboard = null;
            await OpenAsync(HeadDashboard, setup.Head, null, sp => async () => dashboard = await sp.GetRequiredService<DashboardService>().LoadAsync(null, month, AttentionFilter.None),
                () => LiveNotifier.Scope(dashboard?.Scope.OwnerIds));
        }
        foreach (var team in setup.Teams)
        {
            BoardAccess? access = null;
            var owners = setup.Managers.Where(m => m.TeamId == team).Select(m => m.Id).Concat(setup.Leads.Where(l => l.TeamId == team).Select(l => l.Id)).ToHashSet();
            // BoardPage.LoadAsync: the token checked on every load, then the board's figures.
            await OpenAsync(TvBoard, null, owners, sp => async () =>
            {
                var boards = sp.GetRequiredService<BoardService>();
                access = await boards.ValidateAsync(setup.BoardTokens[team]);
                if (access is not null) await boards.LoadAsync(access);
            }, () => BoardPage.TopicsOf(access));
        }
        return pages;
    }

    /// <summary>Stops the pages' cadence timers at the end of the run.</summary>
    private static readonly CancellationTokenSource Closing = new();

    private static readonly Random Phases = new(11);

    /// <summary>
    /// The page's timer (DiagnosticsPage): a measurement every cadence. In a department the pages were opened at any moment of
    /// the last cadence, so each page's first tick comes at a random point of it, not all together a cadence after the setup.
    /// </summary>
    private static async Task OnCadenceAsync(Page page)
    {
        TimeSpan phase;
        lock (Phases) phase = DiagnosticsService.Cadence * Phases.NextDouble();
        try
        {
            await Task.Delay(phase, Closing.Token);
            using var timer = new PeriodicTimer(DiagnosticsService.Cadence);
            do await Task.Run(page.RefreshAsync);
            while (await timer.WaitForNextTickAsync(Closing.Token));
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>The floor of each page type: one computation of the page for one scope, nothing shared or cached, alone on the machine, median of three.</summary>
    private static async Task<Dictionary<string, double>> FloorsAsync(ServiceProvider root, Setup setup)
    {
        var floors = new Dictionary<string, double>();
        var month = Month();
        var m = setup.Managers[0];
        var lead = setup.Leads[0];

        async Task TimeAsync(string type, Staff? user, Func<IServiceProvider, Task> load)
        {
            using var scope = root.CreateScope();
            if (user is not null) await scope.ServiceProvider.GetRequiredService<Viewer>().SignInAsync(scope.ServiceProvider, user.Email);
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                await load(scope.ServiceProvider);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            floors[type] = times.Order().ElementAt(1);
        }

        await TimeAsync(ManagerPipeline, m, sp => sp.GetRequiredService<PipelineService>().LoadAsync(new PipelineFilter()));
        await TimeAsync(ManagerTasks, m, sp => sp.GetRequiredService<TaskService>().ListAsync(new TaskListQuery(TasksAddress.View(null))));
        await TimeAsync(LeadDashboard, lead, sp => sp.GetRequiredService<DashboardService>().LoadAsync(null, month, AttentionFilter.None));
        await TimeAsync(LeadLeads, lead, sp => sp.GetRequiredService<AssignmentService>().WorkloadAsync());
        await TimeAsync(LeadDiagnostics, lead, sp => sp.GetRequiredService<DiagnosticsService>().ReportAsync(null, null, fresh: true));
        await TimeAsync(HeadDashboard, setup.Head, sp => sp.GetRequiredService<DashboardService>().LoadAsync(null, month, AttentionFilter.None));
        await TimeAsync(TvBoard, null, async sp =>
        {
            var boards = sp.GetRequiredService<BoardService>();
            var access = await boards.ValidateAsync(setup.BoardTokens[setup.Teams[0]]);
            await boards.LoadAsync(access!);
        });
        return floors;
    }

    private static async Task<bool> WaitIdleAsync(List<Page> pages, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (pages.All(p => !p.Busy))
            {
                await Task.Delay(200);
                if (pages.All(p => !p.Busy)) return true;
            }
            await Task.Delay(20);
        }
        return false;
    }

    // ------------------------------------------------------------------ the changes

    private sealed class Change(int ownerId)
    {
        public int OwnerId { get; } = ownerId;
        public long Started = Stopwatch.GetTimestamp();
        public long Committed;
        public long Delivered;
    }

    /// <summary>
    /// Deal changes at <paramref name="perSecond"/> a second, evenly spaced, with a burst of <paramref name="burst"/> at a
    /// third and at two thirds of the run; the teams take turns, a random manager of the team moves one of their deals.
    /// </summary>
    private static async Task<List<Change>> DriveAsync(ServiceProvider root, TimedPublisher publisher, Setup setup, int seconds, int perSecond, int burst)
    {
        var changes = new ConcurrentBag<Change>();
        var random = new Random(7);
        var byTeam = setup.Managers.Where(m => setup.Movable.ContainsKey(m.Id)).GroupBy(m => m.TeamId!.Value).Select(g => g.ToList()).ToList();
        var nextDeal = new ConcurrentDictionary<int, int>();
        var busy = new ConcurrentDictionary<int, bool>();
        var errors = 0;
        var turn = 0;
        var running = new List<Task>();

        async Task MoveAsync(Staff owner)
        {
            var list = setup.Movable[owner.Id];
            int dealId;
            do dealId = list[nextDeal.AddOrUpdate(owner.Id, 0, (_, n) => (n + 1) % list.Count)];
            while (!busy.TryAdd(dealId, true));
            var change = new Change(owner.Id);
            try
            {
                using var scope = root.CreateScope();
                await scope.ServiceProvider.GetRequiredService<Viewer>().SignInAsync(scope.ServiceProvider, owner.Email);
                var deals = scope.ServiceProvider.GetRequiredService<DealService>();
                var card = await deals.GetCardAsync(dealId);
                TimedPublisher.Current.Value = change;
                await deals.MoveStageAsync(dealId, card.Version, card.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification);
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref errors) <= 3) Console.Error.WriteLine($"  move refused: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                busy.TryRemove(dealId, out _);
                changes.Add(change);
            }
        }

        Staff NextOwner()
        {
            var team = byTeam[turn++ % byTeam.Count];
            return team[random.Next(team.Count)];
        }

        var start = Stopwatch.GetTimestamp();
        var total = seconds * perSecond;
        var bursts = new[] { total / 3, 2 * total / 3 };
        for (var n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due);
            running.Add(MoveAsync(NextOwner()));
            if (bursts.Contains(n))
                for (var b = 0; b < burst; b++) running.Add(MoveAsync(NextOwner()));
        }
        await Task.WhenAll(running);
        return [.. changes];
    }

    /// <summary>The app's publisher, noting when each change committed and when its events had been delivered to the pages.</summary>
    private sealed class TimedPublisher(LiveNotifier notifier) : IDomainEventPublisher
    {
        public static readonly AsyncLocal<Change?> Current = new();

        public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken) => PublishAsync(events, 0, cancellationToken);

        public async Task PublishAsync(IReadOnlyList<IDomainEvent> events, long savingSince, CancellationToken cancellationToken)
        {
            var change = Current.Value;
            if (change is not null) change.Committed = Stopwatch.GetTimestamp();
            await notifier.PublishAsync(events, savingSince, cancellationToken);
            if (change is not null) change.Delivered = Stopwatch.GetTimestamp();
        }
    }

    // ------------------------------------------------------------------ measuring

    /// <summary>The signed-in user of one page (or one change), as the web app's user context gives it.</summary>
    private sealed class Viewer : IUserContext
    {
        public CurrentUser? Cached { get; private set; }

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult(Cached);

        public async Task SignInAsync(IServiceProvider services, string email) =>
            Cached = await BenchData.UserAsync(services.GetRequiredService<DatabaseOptions>().ConnectionString, email);
    }

    /// <summary>Counts the SQL commands EF Core executes, per page type (the refresh that issued them).</summary>
    private sealed class QueryCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        public static readonly AsyncLocal<string?> Page = new();
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private readonly ConcurrentDictionary<(string Page, string Sql), (int Count, double Ms)> _profile = new();
        public static bool Profiling;
        private readonly List<IDisposable> _subscriptions = [];

        public static QueryCounter Start()
        {
            var counter = new QueryCounter();
            counter._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(counter));
            return counter;
        }

        public int Of(string page) => _counts.GetValueOrDefault(page);

        public void Reset()
        {
            _counts.Clear();
            _profile.Clear();
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) lock (_subscriptions) _subscriptions.Add(value.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != RelationalEventId.CommandExecuted.Name) return;
            var page = Page.Value ?? "(a change)";
            _counts.AddOrUpdate(page, 1, (_, n) => n + 1);
            if (Profiling && value.Value is CommandExecutedEventData data)
            {
                var ms = data.Duration.TotalMilliseconds;
                _profile.AddOrUpdate((page, data.Command.CommandText), (1, ms), (_, v) => (v.Count + 1, v.Ms + ms));
            }
        }

        /// <summary>The commands that took the most database time in all, per page type (<c>--profile</c>).</summary>
        public void PrintProfile(int changes, int top = 25)
        {
            var total = _profile.Values.Sum(v => v.Ms);
            Console.WriteLine($"  database time {total / 1000:F1} s in all; by page type:");
            foreach (var g in _profile.GroupBy(p => p.Key.Page).OrderByDescending(g => g.Sum(p => p.Value.Ms)))
                Console.WriteLine($"    {g.Key,-26} {g.Sum(p => p.Value.Ms) / 1000,7:F1} s  {g.Sum(p => p.Value.Ms) / Math.Max(1, changes),7:F1} ms/change");
            foreach (var ((page, sql), (count, ms)) in _profile.OrderByDescending(p => p.Value.Ms).Take(top))
            {
                var text = System.Text.RegularExpressions.Regex.Replace(sql, @"\s+", " ");
                Console.WriteLine($"  {ms / 1000,7:F1} s {count,7}× {ms / count,7:F2} ms  [{page}] {text[..Math.Min(text.Length, 400)]}");
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        }
    }

    private static ReportingPeriod Month() =>
        ReportingPeriod.Containing(PeriodKind.Month, TimeProvider.System.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));

    private static double P(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
