using System.Net;
using System.Net.Http.Json;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// PostgreSQL stops for ten seconds under the running app (its own server, stopped and started with pg_ctl) while a
/// website keeps posting leads: every answer is a 201 or a clear 503 in Russian (never a 500), every accepted lead is
/// in the database afterwards, and the refused ones, sent again with their Idempotency-Key, land exactly once.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class DatabaseOutage : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private AppProcess _app = default!;
    private string _connection = "";

    public async ValueTask InitializeAsync()
    {
        _connection = await _postgres.CreateDemoDatabaseAsync(clients: 30, deals: 60);
        _app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = _connection + ";Timeout=3;Command Timeout=5",
            ["BackgroundJobs__Enabled"] = "false",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task NoAcceptedLeadIsLostAndTheRefusedOnesAreClearAndSafeToRepeat()
    {
        using var api = new HttpClient { BaseAddress = new Uri(_app.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
        var accepted = new List<int>();
        var refused = new List<int>();
        var n = 0;

        async Task<HttpResponseMessage> PostAsync(int i) => await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Headers = { { "Idempotency-Key", $"outage-{i}" } },
            Content = JsonContent.Create(new { company = $"ООО «Перебой {i}»", phone = $"+7 495 600-{i / 100:D2}-{i % 100:D2}", channel = "website" }),
        });

        async Task SendAsync()
        {
            var i = n++;
            var answer = await PostAsync(i);
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.Created) accepted.Add(i);
            else
            {
                Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"lead {i}: {(int)answer.StatusCode} {body}");
                Assert.Contains("База данных CRM временно недоступна", body, StringComparison.Ordinal);
                Assert.NotNull(answer.Headers.RetryAfter);
                refused.Add(i);
            }
        }

        for (var i = 0; i < 5; i++) await SendAsync();
        await _postgres.StopAsync();
        // Fifty posts, one every 200 ms: the database stays down for at least ten seconds of traffic.
        for (var i = 0; i < 50; i++)
        {
            await SendAsync();
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        await _postgres.StartAgainAsync();
        for (var i = 0; i < 5; i++) await SendAsync();
        Assert.NotEmpty(refused);

        // The website repeats what was refused, with the same keys: each lands once.
        foreach (var i in refused.ToList())
        {
            var again = await PostAsync(i);
            Assert.True(again.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"lead {i} repeated: {(int)again.StatusCode}");
        }
        await using var conn = new Npgsql.NpgsqlConnection(_connection + ";Pooling=false"); // the test's own pool died with the restart
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT \"CompanyName\" FROM \"Leads\" WHERE \"CompanyName\" LIKE 'ООО «Перебой %'", conn);
        var stored = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) stored.Add(reader.GetString(0));
        Assert.Equal(n, stored.Count);
        Assert.Equal(n, stored.Distinct().Count());
        Assert.All(accepted, i => Assert.Contains($"ООО «Перебой {i}»", stored));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{n} posts: {accepted.Count} accepted (201), {refused.Count} refused with 503 + Retry-After during the outage, repeated with their keys; stored {stored.Count}, distinct {stored.Distinct().Count()}");
    }
}
