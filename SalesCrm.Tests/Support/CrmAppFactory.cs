using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SalesCrm.Tests.Support;

/// <summary>The whole web app in memory (WebApplicationFactory) on its own copy of the demo database.</summary>
public partial class CrmAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; set; } = "";

    /// <summary>Redis for the cross-node fan-out and the SignalR backplane; none by default.</summary>
    public string? Redis { get; init; }

    /// <summary>The hosting environment; Development unless a test checks production behaviour.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>Extra configuration for one fixture (e.g. a low API rate limit).</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    public async ValueTask InitializeAsync()
    {
        if (ConnectionString.Length == 0) ConnectionString = await TestDatabase.CopyAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Demo:Enabled", "false");
        if (Redis is not null) builder.UseSetting("Redis:ConnectionString", Redis);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, CallerAddress>());
    }

    /// <summary>The in-memory server has no network: a test names the caller's address in <see cref="CallerAddress.Header"/>.</summary>
    public sealed class CallerAddress : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            Microsoft.AspNetCore.Builder.UseExtensions.Use(app, async (http, inner) =>
            {
                if (IPAddress.TryParse(http.Request.Headers[Header].ToString(), out var address)) http.Connection.RemoteIpAddress = address;
                await inner();
            });
            next(app);
        };
    }

    /// <summary>A client that keeps cookies and does not follow redirects (so the tests see them).</summary>
    public HttpClient NewClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real login form (antiforgery token included); returns the response to the POST.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password = "Demo123!")
    {
        var page = await client.GetStringAsync("/login");
        var token = TokenPattern().Match(page).Groups[1].Value;
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>Posts a form the way a page of the app does: the antiforgery token from <paramref name="page"/>, then the fields.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, Dictionary<string, string>? fields = null, string page = "/")
    {
        var html = await client.GetStringAsync(page);
        var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value) };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>Signs out through the app bar's form (antiforgery token included).</summary>
    public static Task<HttpResponseMessage> SignOutAsync(HttpClient client) => PostFormAsync(client, "/logout");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The app without its background jobs (<c>BackgroundJobs:Enabled=false</c>, as a web-only node would run): for tests that
/// compare two reads of data the renewal or stuck scans would otherwise change in between.
/// </summary>
public sealed class CrmAppFactoryWithoutJobs : CrmAppFactory
{
    public CrmAppFactoryWithoutJobs() => Settings["BackgroundJobs:Enabled"] = "false";
}
