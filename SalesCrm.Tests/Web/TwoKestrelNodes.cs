using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Live;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The multi-node deployment for real: two app processes (Kestrel on 127.0.0.1) on one PostgreSQL database and one
/// redis-server, as behind a load balancer. A cookie issued by node A is valid on node B (one Data Protection key ring in
/// the database), a change made on A reaches a live client of B (Redis), and each period of a background scan ran on one
/// node only (the ScanRuns claims).
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed partial class TwoKestrelNodes(PostgresServer postgres, RedisServer redis) : IAsyncLifetime
{
    private AppProcess _a = default!;
    private AppProcess _b = default!;
    private string _connection = "";

    public async ValueTask InitializeAsync()
    {
        _connection = await postgres.CreateDemoDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = _connection,
            ["Redis__ConnectionString"] = await redis.ConnectionStringAsync(),
            ["Crm__Thresholds__StuckScanSeconds"] = "5",
            ["Crm__Thresholds__SpeedScanSeconds"] = "5",
            ["Logging__LogLevel__SalesCrm.Web.Live.ScanService"] = "Debug",
        };
        // Node A creates the key ring on its first sign-in; node B starts like a node added later.
        _a = await AppProcess.StartAsync(environment);
        _b = await AppProcess.StartAsync(environment);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static (HttpClient Client, CookieContainer Cookies) Browser(AppProcess node)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(node.BaseUrl) };
        return (client, cookies);
    }

    [Fact]
    public async Task ASignInOnNodeAIsValidOnNodeB()
    {
        var (onA, cookies) = Browser(_a);
        var signIn = await CrmAppFactory.SignInAsync(onA, "lead@demo.salescrm");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("/login", signIn.Headers.Location!.ToString(), StringComparison.Ordinal);

        // The load balancer sends the next request to B with the same cookie (cookies are per host, not per port).
        using var onB = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(_b.BaseUrl) };
        var dashboard = await onB.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("data-testid=\"forecast\"", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_b.BaseUrl) };
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/dashboard")).StatusCode);
        Assert.True(await Count("SELECT count(*) FROM \"DataProtectionKeys\"") >= 1);
    }

    [Fact]
    public async Task ALeadPostedOnNodeAReachesAHubClientOnNodeB()
    {
        var (onA, cookies) = Browser(_a);
        await CrmAppFactory.SignInAsync(onA, "head@demo.salescrm");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(_b.BaseUrl), LiveHub.Path), options => options.Cookies = cookies)
            .Build();
        var received = new TaskCompletionSource<LiveEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<LiveEvent>(LiveHub.EventMethod, e =>
        {
            if (e.Kind.Contains("Lead", StringComparison.Ordinal)) received.TrySetResult(e);
        });
        await hub.StartAsync(TestContext.Current.CancellationToken);

        // B subscribes to its group's backplane channel just after the connection joins, and nothing tells when: post (every two
        // seconds, for up to a minute) until one arrives.
        using var api = new HttpClient { BaseAddress = new Uri(_a.BaseUrl) };
        api.DefaultRequestHeaders.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
        for (var attempt = 0; attempt < 30 && !received.Task.IsCompleted; attempt++)
        {
            var posted = await api.PostAsJsonAsync("/api/leads", new
            {
                company = $"ООО «Узел А {attempt}»", phone = $"+7 495 700-00-{10 + attempt}", channel = "website", region = "Москва",
            }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
        }
        Assert.True(received.Task.IsCompleted, "no lead event reached the hub client on node B");
    }

    [Fact]
    public async Task EachPeriodOfABackgroundScanRanOnOneNodeOnly()
    {
        // Readiness, not speed: wait until the five-second stuck-deal scan has had three periods, claimed in the database and
        // written to the nodes' logs (which may trail the database), up to 240 polls.
        int Logged() => RunLine().Matches(_a.Log + _b.Log).Count(m => m.Groups[1].Value == "stuck deals");
        for (var poll = 0; poll < 240 && (await Count("SELECT count(*) FROM \"ScanRuns\" WHERE \"Name\" = 'stuck deals'") < 3 || Logged() < 3); poll++)
            await Task.Delay(500, TestContext.Current.CancellationToken);
        var runs = RunLine().Matches(_a.Log + _b.Log).Select(m => (Scan: m.Groups[1].Value, Period: long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            Node: m.Groups[3].Value)).ToList();
        var stuck = runs.Where(r => r.Scan == "stuck deals").ToList();
        Assert.True(stuck.Count >= 3, _a.Log + _b.Log);
        // No period ran twice, on one node or across the two; every claim in the database is one run in the logs.
        Assert.All(runs.GroupBy(r => (r.Scan, r.Period)), g => Assert.Single(g));
        Assert.Equal(runs.Count(r => r.Scan == "stuck deals"),
            await Count($"SELECT count(*) FROM \"ScanRuns\" WHERE \"Name\" = 'stuck deals' AND \"Period\" <= {stuck.Max(r => r.Period)}"));
        // Both nodes took part: each either ran a period or found it taken.
        Assert.Contains("stuck deals", _a.Log, StringComparison.Ordinal);
        Assert.Contains("stuck deals", _b.Log, StringComparison.Ordinal);
        // The hourly snapshots started on both nodes at once and ran once.
        Assert.Contains(runs, r => r.Scan == "diagnostics snapshot");
    }

    private async Task<long> Count(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_connection);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Scan '([^']+)' period (\d+) runs on (\S+)")]
    private static partial Regex RunLine();
}
