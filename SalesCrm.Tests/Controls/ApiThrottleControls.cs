using System.Net;
using System.Text;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// Requests without a valid key or signature are throttled per address: after Api:RefusedPerMinute refusals the address
/// gets 429, Retry-After and a Russian message, whatever key string it makes up next, on the leads and the telephony
/// endpoints alike; an integration with a valid key goes on being served.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ApiThrottleControls : IAsyncLifetime
{
    private readonly CrmAppFactoryWithoutJobs _app = new() { Settings = { ["Api:RefusedPerMinute"] = "12" } };

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static HttpRequestMessage Lead(string? key, int i)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = new StringContent($$"""{"company":"ООО «Напор {{i}}»","phone":"+7 495 710-{{i / 100:D2}}-{{i % 100:D2}}"}""", Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    [Fact]
    public async Task MadeUpKeysAreThrottledPerAddressAndAValidKeyIsStillServed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(Lead(DemoDataGenerator.DemoApiKey, 0), ct)).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 30; i++)
            statuses.Add((await http.SendAsync(Lead(i % 3 == 0 ? null : "guess-" + Guid.NewGuid().ToString("N"), i), ct)).StatusCode);

        Assert.Equal(12, statuses.Count(s => s is HttpStatusCode.Unauthorized));
        Assert.All(statuses.Skip(12), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var throttled = await http.SendAsync(Lead("guess-again", 99), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Contains("Слишком много отклонённых запросов", await throttled.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        // The telephony endpoint counts the same address's refusals.
        var call = new HttpRequestMessage(HttpMethod.Post, "/api/telephony/events") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.SendAsync(call, ct)).StatusCode);

        // The integration whose key is valid goes on.
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(Lead(DemoDataGenerator.DemoApiKey, 100), ct)).StatusCode);
    }
}
