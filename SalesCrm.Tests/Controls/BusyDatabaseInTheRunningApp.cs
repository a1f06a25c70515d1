using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// The running app on SQLite while another process holds the database's write lock and forty website posts wait for it:
/// unrelated requests (/health, the sign-in page) still answer while the lock is held; every waiting post gives up with a
/// 503, Retry-After and the Russian message, none of them is half-written, and each repeated with its Idempotency-Key
/// after the lock is gone lands exactly once.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed class BusyDatabaseInTheRunningApp : IAsyncLifetime
{
    private AppProcess _app = default!;
    private string _connection = "";

    public async ValueTask InitializeAsync()
    {
        _connection = await TestDatabase.CopyAsync();
        _app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = _connection,
            ["Database__BusyTimeoutSeconds"] = "3",
            ["BackgroundJobs__Enabled"] = "false",
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task UnrelatedRequestsAnswerAndWaitingWritesGiveUpCleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = new Uri(_app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        Task<HttpResponseMessage> PostAsync(int i) => http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Headers = { { "X-Api-Key", DemoDataGenerator.DemoApiKey }, { "Idempotency-Key", $"busy-{i}" } },
            Content = JsonContent.Create(new { company = $"ООО «Занято {i}»", phone = $"+7 495 700-{i / 100:D2}-{i % 100:D2}", channel = "website" }),
        }, ct);

        List<HttpResponseMessage> answers;
        await using (await SqliteWriteLock.HoldAsync(_connection))
        {
            var posts = Enumerable.Range(0, 40).Select(PostAsync).ToList();
            // While forty writes wait for the lock, the rest of the app answers.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login", ct)).StatusCode);
            answers = [.. await Task.WhenAll(posts)];
        }

        foreach (var answer in answers)
        {
            var body = await answer.Content.ReadAsStringAsync(ct);
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)answer.StatusCode} {body}");
            Assert.Contains("База данных CRM временно недоступна", body, StringComparison.Ordinal);
            Assert.NotNull(answer.Headers.RetryAfter);
        }
        Assert.Equal(0, await CountAsync(ct));

        for (var i = 0; i < 40; i++) Assert.Equal(HttpStatusCode.Created, (await PostAsync(i)).StatusCode);
        for (var i = 0; i < 40; i++) Assert.Equal(HttpStatusCode.OK, (await PostAsync(i)).StatusCode);
        Assert.Equal(40, await CountAsync(ct));
    }

    private async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = new SqliteConnection(_connection);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Leads WHERE CompanyName LIKE 'ООО «Занято %'";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
