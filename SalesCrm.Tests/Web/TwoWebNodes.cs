using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Live;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Two web nodes (two in-memory hosts of the real app) on one database and a real redis-server: a change
/// saved on node A reaches subscribers and hub clients of node B.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class TwoWebNodes(RedisServer redis) : IAsyncLifetime
{
    private CrmAppFactory _a = default!;
    private CrmAppFactory _b = default!;

    public async ValueTask InitializeAsync()
    {
        var connection = await TestDatabase.CopyAsync();
        var redisConnection = await redis.ConnectionStringAsync();
        // Every request checks the account's security stamp, as a node does every Auth:RevalidateSeconds.
        _a = new CrmAppFactory { ConnectionString = connection, Redis = redisConnection, Settings = { ["Auth:RevalidateSeconds"] = "0" } };
        _b = new CrmAppFactory { ConnectionString = connection, Redis = redisConnection, Settings = { ["Auth:RevalidateSeconds"] = "0" } };
        _ = _a.Services;
        _ = _b.Services;
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    /// <summary>A SignalR client of a node's /hubs/live (long polling through the in-memory server).</summary>
    private static HubConnection Hub(CrmAppFactory node, string query) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(node.Server.BaseAddress, LiveHub.Path + query), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => node.Server.CreateHandler();
            })
            .Build();

    /// <summary>
    /// Moves one of m1's deals between qualification and needs analysis, through node A's data layer (interceptors and relays
    /// included); the same deal goes back and forth, so a test can change as often as it must wait.
    /// </summary>
    private async Task<int> MoveADealOnNodeAAsync()
    {
        await using var db = _a.Services.GetRequiredService<IProviderContextFactory>().Create();
        var deal = await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm" && d.ApprovalState != ApprovalState.Pending
                && (d.Stage == StageCode.Qualification || d.Stage == StageCode.NeedsAnalysis))
            .OrderBy(d => d.Id).FirstAsync();
        var next = await db.Stages.SingleAsync(s => s.Code == (deal.Stage == StageCode.Qualification ? StageCode.NeedsAnalysis : StageCode.Qualification));
        deal.MoveToStage(next, deal.OwnerId, TimeProvider.System.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
        return deal.Id;
    }

    [Fact]
    public async Task AnEventSavedOnNodeAReachesASubscriberOnNodeB()
    {
        var received = new TaskCompletionSource<LiveEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _b.Services.GetRequiredService<LiveNotifier>().Subscribe(LiveNotifier.AllDeals, e =>
        {
            if (e.Kind == nameof(DealStageChanged)) received.TrySetResult(e);
            return Task.CompletedTask;
        });

        var dealId = await MoveADealOnNodeAAsync();

        var live = await received.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Equal(dealId, live.DealId);
    }

    [Fact]
    public async Task ABoardTokenOpensTheHubOnNodeBAndReceivesNodeAsChange()
    {
        await using var hub = Hub(_b, "?access_token=demo-board-token");
        var received = new TaskCompletionSource<LiveEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<LiveEvent>(LiveHub.EventMethod, e =>
        {
            if (e.Kind == nameof(DealStageChanged)) received.TrySetResult(e);
        });
        await hub.StartAsync(TestContext.Current.CancellationToken);

        // Node B subscribes to the backplane's group channel asynchronously after the connection joins its
        // group, and nothing tells when: keep changing (every two seconds, for up to two minutes) until one arrives.
        var moved = new List<int>();
        for (var attempt = 0; attempt < 60 && !received.Task.IsCompleted; attempt++)
        {
            moved.Add(await MoveADealOnNodeAAsync());
            await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        }

        Assert.True(received.Task.IsCompleted, "no event reached the hub client on node B");
        Assert.Contains((await received.Task).DealId!.Value, moved);
    }

    [Fact]
    public async Task AWrongBoardTokenIsRefusedByTheHub()
    {
        await using var hub = Hub(_b, "?access_token=not-a-board-token");
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task AnonymousIsRefusedByTheHub()
    {
        await using var hub = Hub(_a, "");
        await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Waits until node B's open pages of <paramref name="email"/> are told their sessions ended.</summary>
    private TaskCompletionSource<bool> SessionsEndedOnB(string userId)
    {
        var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscriptions.Add(_b.Services.GetRequiredService<LiveNotifier>().Subscribe(LiveNotifier.Sessions(userId), _ =>
        {
            ended.TrySetResult(true);
            return Task.CompletedTask;
        }));
        return ended;
    }

    private readonly List<IDisposable> _subscriptions = [];

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = _a.Services.GetRequiredService<IProviderContextFactory>().Create();
        return await db.Managers.Where(m => m.Email == email).Select(m => m.UserId).SingleAsync();
    }

    [Fact]
    public async Task SigningOutOnNodeAEndsTheSessionOnNodeB()
    {
        var onB = _b.NewClient();
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(onB, "m1@demo.salescrm")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await onB.GetAsync("/export/deals.xlsx")).StatusCode);
        var ended = SessionsEndedOnB(await UserIdAsync("m1@demo.salescrm"));

        var onA = _a.NewClient();
        await CrmAppFactory.SignInAsync(onA, "m1@demo.salescrm");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await CrmAppFactory.SignOutAsync(onA)).StatusCode);

        Assert.True(await ended.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)); // B's open pages close now
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await onB.GetAsync("/export/deals.xlsx")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await onB.GetAsync("/")).StatusCode);
        _subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task DeactivatingOnNodeAEndsTheSessionOnNodeB()
    {
        var onB = _b.NewClient();
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(onB, "m2@demo.salescrm")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await onB.GetAsync("/")).StatusCode);
        var ended = SessionsEndedOnB(await UserIdAsync("m2@demo.salescrm"));

        // The administrator deactivates m2 on node A, through the same service the administration page calls.
        using (var scope = _a.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SalesCrm.Data.Identity.AppUser>>();
            var admin = await accounts.FindByEmailAsync("admin@demo.salescrm");
            var principal = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IUserClaimsPrincipalFactory<SalesCrm.Data.Identity.AppUser>>()
                .CreateAsync(admin!);
            ((Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider
                .GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>())
                .SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(principal)));
            await using var db = _a.Services.GetRequiredService<IProviderContextFactory>().Create();
            var m2 = await db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<SalesCrm.Data.Admin.UserAdminService>().DeactivateAsync(m2);
        }

        Assert.True(await ended.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await onB.GetAsync("/")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await CrmAppFactory.SignInAsync(_b.NewClient(), "m2@demo.salescrm")).StatusCode); // refused: the form again
        _subscriptions.ForEach(s => s.Dispose());
    }
}
