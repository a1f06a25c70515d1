using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Providers;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Live;

namespace SalesCrm.Bench;

/// <summary>
/// Load scenario: a stage change is saved on the real database (interceptors included) while 500 subscribers
/// (open dashboards) watch every deal; measures the time from the commit to each subscriber's callback,
/// and from the start of the save to the last subscriber, as p50/p95 over many changes.
/// </summary>
public static class NotifierLatency
{
    public static async Task RunAsync(int deals, int subscribers = 500, int changes = 200)
    {
        var notifier = new LiveNotifier(NullLogger<LiveNotifier>.Instance);
        var timed = new TimedPublisher(notifier);
        var options = SalesCrm.Data.CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(),
                new DatabaseOptions { ConnectionString = BenchData.ConnectionString(deals) })
            .AddInterceptors(new AuditInterceptor(TimeProvider.System), new DomainEventInterceptor(timed)).Options;

        var deliveries = new long[subscribers];
        var remaining = 0;
        var done = new SemaphoreSlim(0);
        var subscriptions = Enumerable.Range(0, subscribers).Select(i => notifier.Subscribe(LiveNotifier.AllDeals, async e =>
        {
            await Task.Yield(); // a component hands the work to its renderer
            deliveries[i] = Stopwatch.GetTimestamp();
            if (Interlocked.Decrement(ref remaining) == 0) done.Release();
        })).ToList();

        List<int> ids;
        await using (var db = new SqliteCrmDbContext(options))
            ids = await db.Deals.Where(d => d.Stage == StageCode.Qualification || d.Stage == StageCode.NeedsAnalysis)
                .OrderBy(d => d.Id).Select(d => d.Id).Take(changes).ToListAsync();

        var fromCommit = new List<double>(subscribers * ids.Count);
        var saveToLast = new List<double>(ids.Count);
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            await using var db = new SqliteCrmDbContext(options);
            db.Actor = new Actor(null, "Нагрузочный сценарий");
            var deal = await db.Deals.SingleAsync(d => d.Id == id);
            var target = await db.Stages.SingleAsync(s => s.Code == (deal.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification));
            deal.MoveToStage(target, deal.OwnerId, TimeProvider.System.GetUtcNow().UtcDateTime);
            Volatile.Write(ref remaining, subscribers);
            var started = Stopwatch.GetTimestamp();
            await db.SaveChangesAsync();
            if (!await done.WaitAsync(TimeSpan.FromSeconds(30))) throw new TimeoutException("subscribers did not all receive the change");
            if (n < 10) continue; // warm-up
            fromCommit.AddRange(deliveries.Select(t => Stopwatch.GetElapsedTime(timed.CommittedAt, t).TotalMilliseconds));
            saveToLast.Add(Stopwatch.GetElapsedTime(started, deliveries.Max()).TotalMilliseconds);
        }
        subscriptions.ForEach(s => s.Dispose());

        Console.WriteLine();
        Console.WriteLine($"Live notifier, {subscribers} subscribers, {saveToLast.Count} stage changes on {deals:N0} deals (SQLite):");
        Console.WriteLine($"  commit → subscriber callback:        p50 {Percentile(fromCommit, 50):F2} ms   p95 {Percentile(fromCommit, 95):F2} ms");
        Console.WriteLine($"  save started → last of {subscribers} called: p50 {Percentile(saveToLast, 50):F2} ms   p95 {Percentile(saveToLast, 95):F2} ms");
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Notes the moment the interceptor hands over the committed events.</summary>
    private sealed class TimedPublisher(LiveNotifier notifier) : IDomainEventPublisher
    {
        public long CommittedAt { get; private set; }

        public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken)
        {
            CommittedAt = Stopwatch.GetTimestamp();
            return notifier.PublishAsync(events, cancellationToken);
        }
    }
}
