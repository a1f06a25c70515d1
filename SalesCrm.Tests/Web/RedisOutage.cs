using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Live;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Redis goes down under two web nodes (its own redis-server, stopped and started on the same port): each node keeps
/// saving and updating its own live pages, and the fan-out between the nodes comes back when Redis does.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class RedisOutage : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private CrmAppFactory _a = default!;
    private CrmAppFactory _b = default!;

    public async ValueTask InitializeAsync()
    {
        var connection = await TestDatabase.CopyAsync();
        var redis = await _redis.ConnectionStringAsync();
        _a = new CrmAppFactoryWithoutJobsOn(connection, redis);
        _b = new CrmAppFactoryWithoutJobsOn(connection, redis);
        _ = _a.Services;
        _ = _b.Services;
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private sealed class CrmAppFactoryWithoutJobsOn : CrmAppFactory
    {
        public CrmAppFactoryWithoutJobsOn(string connection, string redis)
        {
            ConnectionString = connection;
            Redis = redis;
            Settings["BackgroundJobs:Enabled"] = "false";
        }
    }

    /// <summary>Gives one of m1's deals a new follow-up task through node A's data layer (a live "task changed" event); returns the deal.</summary>
    private async Task<int> ChangeOnAAsync()
    {
        await using var db = _a.Services.GetRequiredService<IProviderContextFactory>().Create();
        var deal = await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm" && d.Stage == StageCode.Qualification).OrderBy(d => d.Id).FirstAsync();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        db.Tasks.Add(new TaskItem(TaskKind.FollowUp, "Перезвонить", deal.OwnerId, deal.OwnerId, now.AddDays(1), deal.Id, deal.ClientId, null, now));
        await db.SaveChangesAsync();
        return deal.Id;
    }

    /// <summary>Changes deals on A until <paramref name="node"/> hears of one (the subscription may trail a reconnect).</summary>
    private async Task<bool> HeardOnAsync(CrmAppFactory node, int attempts)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var moved = new HashSet<int>();
        using var subscription = node.Services.GetRequiredService<LiveNotifier>().Subscribe(LiveNotifier.AllDeals, e =>
        {
            if (e.Kind == nameof(TaskChanged) && e.DealId is { } id) lock (moved) if (moved.Contains(id)) heard.TrySetResult();
            return Task.CompletedTask;
        });
        for (var attempt = 0; attempt < attempts && !heard.Task.IsCompleted; attempt++)
        {
            var changed = await ChangeOnAAsync();
            lock (moved) moved.Add(changed);
            await Task.WhenAny(heard.Task, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        }
        return heard.Task.IsCompleted;
    }

    [Fact]
    public async Task EachNodeKeepsWorkingWithoutRedisAndTheFanOutRecoversWhenItReturns()
    {
        Assert.True(await HeardOnAsync(_b, 30), "before the outage a change on A should reach B");

        await _redis.StopAsync();
        // Saving on A still works and A's own live pages still hear of it.
        Assert.True(await HeardOnAsync(_a, 10), "without Redis, node A's own subscribers must still be told");
        // B cannot hear of it now (there is no channel), and nothing fails for the user on A.
        Assert.False(await HeardOnAsync(_b, 2));

        await _redis.RestartAsync();
        // Readiness, not speed: StackExchange.Redis reconnects and resubscribes in the background; keep changing until B hears.
        Assert.True(await HeardOnAsync(_b, 30), "after Redis returned, a change on A should reach B again");
    }
}
