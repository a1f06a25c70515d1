using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Bench;

/// <summary>
/// Managers moving their deals during the hub load: each mover is one of the demo managers, acting on the second node
/// through <see cref="DealService.MoveStageAsync"/> exactly as the deal card does, one move a second, between
/// "Qualification" and "Needs analysis" (no proposal or loss reason needed) over its own deals, so that every move of a
/// deal is a second apart and an event for a deal belongs to its latest move.
/// </summary>
public sealed class DealMovers
{
    private readonly SecondNode _node;
    private readonly IReadOnlyList<(string Email, int[] Deals)> _movers;
    private readonly ConcurrentDictionary<int, long> _movedAt = new();
    private readonly ConcurrentDictionary<(int Client, int Deal, long At), bool> _seen = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private int _moves;
    private int _errors;

    private DealMovers(SecondNode node, IReadOnlyList<(string, int[])> movers) => (_node, _movers) = (node, movers);

    public static async Task<DealMovers> PrepareAsync(SecondNode node, string connectionString, int movers)
    {
        var options = SalesCrm.Data.CrmDatabase.Configure(new DbContextOptionsBuilder<SalesCrm.Data.Providers.SqliteCrmDbContext>(),
            new SalesCrm.Data.DatabaseOptions { ConnectionString = connectionString }).Options;
        await using var db = new SalesCrm.Data.Providers.SqliteCrmDbContext(options);
        var open = await db.Deals.AsNoTracking()
            .Where(d => (d.Stage == StageCode.Qualification || d.Stage == StageCode.NeedsAnalysis) && d.ApprovalState != ApprovalState.Pending)
            .Select(d => new { d.Id, Email = d.Owner!.Email }).ToListAsync();
        // The owners round robin over the movers; an owner's deals split between the movers acting as that owner.
        var owners = open.GroupBy(d => d.Email).OrderBy(g => g.Key).Select(g => (Email: g.Key, Deals: g.Select(d => d.Id).Order().ToArray())).ToList();
        var list = Enumerable.Range(0, movers).Select(m =>
        {
            var (email, owned) = owners[m % owners.Count];
            var sharing = Enumerable.Range(0, movers).Count(x => x % owners.Count == m % owners.Count);
            return (email, owned.Where((_, i) => i % sharing == m / owners.Count).Take(40).ToArray());
        }).Where(x => x.Item2.Length > 0).ToList();
        return new DealMovers(node, list);
    }

    public Task RunAsync(Func<bool> running) => Task.WhenAll(_movers.Select(mover => Task.Run(async () =>
    {
        using var scope = await _node.ActAsAsync(mover.Email);
        var deals = scope.ServiceProvider.GetRequiredService<DealService>();
        for (var n = 0; running(); n++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = mover.Deals[n % mover.Deals.Length];
            try
            {
                var card = await deals.GetCardAsync(id);
                var target = card.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification;
                _movedAt[id] = Stopwatch.GetTimestamp();
                await deals.MoveStageAsync(id, card.Version, target);
                Interlocked.Increment(ref _moves);
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref _errors) <= 3) Console.Error.WriteLine($"move refused: {ex.GetType().Name}: {ex.Message}");
            }
            var wait = TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
        }
    })));

    /// <summary>A hub client got an event for a deal: the latency of that deal's latest move, once per client and move.</summary>
    public void Received(int client, int deal)
    {
        if (_movedAt.TryGetValue(deal, out var at) && _seen.TryAdd((client, deal, at), true))
            _latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
    }

    public (int Moves, int Errors, long Expected, int Delivered, double P50, double P95, double Max) Report(int clients)
    {
        var sorted = _latencies.Order().ToList();
        double Q(double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
        return (_moves, _errors, (long)_moves * clients, sorted.Count, Q(0.5), Q(0.95), sorted.LastOrDefault());
    }
}
