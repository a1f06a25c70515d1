using System.Collections.Concurrent;
using System.Diagnostics;
using SalesCrm.Data.Common;

namespace SalesCrm.Web.Live;

/// <summary>
/// <see cref="ISharedResults"/> kept current by the live events: an entry is dropped, before any page hears of the change,
/// when a change of its scope is delivered on this node (or arrives from another node through the Redis fan-out), and
/// after <see cref="MaxAge"/> at the latest (figures that move with the clock alone: days in stage, overdue). A computation
/// runs once for all who ask at the same time and is not cancelled when one of them leaves.
/// </summary>
public sealed class LiveSharedResults : ISharedResults, IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private readonly LiveNotifier _live;
    private readonly TimeProvider _time;

    public LiveSharedResults(LiveNotifier live, TimeProvider time)
    {
        _live = live;
        _time = time;
        _live.Delivering += Invalidate;
    }

    /// <summary>Computations started (tests and the load bench count them).</summary>
    public int Computations => _computations;

    /// <summary>Changes followed by a result instead of reading it again (tests and the load bench count them).</summary>
    public int Follows => _follows;

    private int _computations;
    private int _follows;

    public async Task<T> GetAsync<T>(string key, SharedScope scope, Func<CancellationToken, Task<T>> compute, CancellationToken ct = default)
    {
        var now = _time.GetUtcNow();
        while (true)
        {
            if (_entries.Count > PurgeAbove && now - _purgedAt > PurgeEvery) Purge(now);
            var entry = _entries.GetOrAdd(key, _ =>
            {
                var read = new Read();
                return new Entry(Topics(scope), now, Spread(scope.MaxAge ?? MaxAge), new Lazy<Task<object?>>(async () =>
                {
                    Interlocked.Increment(ref _computations);
                    var result = await compute(CancellationToken.None);
                    read.Completed = Stopwatch.GetTimestamp();
                    return result;
                }), scope.Follow, read);
            });
            if (now - entry.CreatedAt > entry.MaxAge)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                continue;
            }
            try
            {
                return (T)(await entry.Result.Value.WaitAsync(ct))!;
            }
            catch when (!ct.IsCancellationRequested)
            {
                // A failed computation is not kept: the next caller tries again.
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                throw;
            }
        }
    }

    public void Forget(string key) => _entries.TryRemove(key, out _);

    /// <summary>
    /// A result's own age limit, between half and all of its scope's: results computed together (every part of a department
    /// opened at once) do not all expire in the same second and make their next reader recompute them all at once.
    /// </summary>
    private static TimeSpan Spread(TimeSpan maxAge) => maxAge * (0.5 + Random.Shared.NextDouble() / 2);

    /// <summary>Above this many entries, the expired ones are dropped before a new one is added (a result nobody asks for again).</summary>
    private const int PurgeAbove = 256;

    /// <summary>Entries held now (tests).</summary>
    public int Count => _entries.Count;

    /// <summary>Expired entries are looked for at most this often (every entry is visited).</summary>
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromSeconds(10);

    private DateTimeOffset _purgedAt = DateTimeOffset.MinValue;

    private void Purge(DateTimeOffset now)
    {
        _purgedAt = now;
        foreach (var (key, entry) in _entries)
            if (now - entry.CreatedAt > entry.MaxAge)
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
    }

    /// <summary>The live topics a result of this scope depends on (<see cref="LiveNotifier.Scope"/>).</summary>
    private static HashSet<string> Topics(SharedScope scope) =>
        [.. scope.SettingsOnly ? [LiveNotifier.Settings] : LiveNotifier.Scope(scope.Owners), .. scope.Also ?? []];

    private void Invalidate(IReadOnlyList<(string Topic, LiveEvent Event)> items)
    {
        foreach (var (key, entry) in _entries)
        {
            var changes = items.Where(i => entry.Topics.Contains(i.Topic)).Select(i => i.Event).Distinct().ToList();
            if (changes.Count == 0) continue;
            var next = entry;
            foreach (var change in changes)
                if ((next = next is null ? null : Followed(next, change)) is null) break;
            if (next is null) _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            else _entries.TryUpdate(key, next, entry);
        }
    }

    /// <summary>
    /// The entry after a change it can follow (<see cref="SharedScope.Follow"/>), or null when it must be read again: a change
    /// of another node, a result whose reading had not ended before the change began to be saved here (it may hold the change
    /// already), or a change the result cannot follow. The step runs on the result before it, when somebody asks.
    /// </summary>
    private Entry? Followed(Entry entry, LiveEvent change)
    {
        if (entry.Follow is null || change.SavingSince == 0 || entry.Steps >= MaxSteps) return null;
        var completed = Volatile.Read(ref entry.Base.Completed);
        if (completed == 0 || completed >= change.SavingSince) return null;
        if (entry.Follow(new SharedChange(change.Kind, change.DealId, change.Move)) is not { } step) return null;
        var before = entry.Result;
        return entry with
        {
            Steps = entry.Steps + 1,
            Result = new Lazy<Task<object?>>(async () =>
            {
                Interlocked.Increment(ref _follows);
                return await step((await before.Value)!, CancellationToken.None);
            }),
        };
    }

    public void Dispose() => _live.Delivering -= Invalidate;

    /// <summary>The reading a result (and every result that followed it) started from, and when it ended (0: not yet).</summary>
    private sealed class Read
    {
        public long Completed;
    }

    /// <summary>
    /// Steps a result takes at most before it is read again: steps run when somebody asks, so a result nobody looks at would
    /// otherwise keep every change it heard.
    /// </summary>
    private const int MaxSteps = 64;

    private sealed record Entry(HashSet<string> Topics, DateTimeOffset CreatedAt, TimeSpan MaxAge, Lazy<Task<object?>> Result,
        Func<SharedChange, FollowStep?>? Follow, Read Base, int Steps = 0);
}
