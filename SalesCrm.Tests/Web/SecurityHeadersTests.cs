using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>Browser-side protection on the real app in memory: CSP with the import map's nonce, cross-origin circuits refused.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed partial class SecurityHeaders(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    [Fact]
    public async Task EveryPageCarriesTheContentSecurityPolicyAndTheImportMapItsNonce()
    {
        var response = await app.NewClient().GetAsync("/login");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        var nonce = Nonce().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await response.Content.ReadAsStringAsync();
        var map = ImportMap().Match(html);
        Assert.True(map.Success, html);
        Assert.Equal(nonce, WebUtility.HtmlDecode(map.Groups[1].Value));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());

        // A fresh nonce per response.
        var again = (await app.NewClient().GetAsync("/login")).Headers.GetValues("Content-Security-Policy").Single();
        Assert.NotEqual(nonce, Nonce().Match(again).Groups[1].Value);
    }

    [Theory]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    [InlineData("/hubs/live/negotiate?negotiateVersion=1")]
    public async Task ACircuitOrHubFromAnotherOriginIsRefused(string path)
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "lead@demo.salescrm");
        var foreign = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "Origin", "https://evil.example" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreign)).StatusCode);
        var sameSite = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority) } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(sameSite)).StatusCode);
    }

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMap();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}

/// <summary>Exports are limited per user and minute (Export:PerMinute); the refusal is explained in Russian.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ExportRateLimit : IAsyncLifetime
{
    private readonly CrmAppFactory _app = new() { Settings = { ["Export:PerMinute"] = "2" } };

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task TheThirdExportInAMinuteIsRefusedAndAnotherUserIsNotAffected()
    {
        var lead = _app.NewClient();
        await CrmAppFactory.SignInAsync(lead, "lead@demo.salescrm");
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync("/export/deals.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync("/export/clients.xlsx")).StatusCode);
        var third = await lead.GetAsync("/export/deals.xlsx");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("Слишком много выгрузок подряд", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var head = _app.NewClient();
        await CrmAppFactory.SignInAsync(head, "head@demo.salescrm");
        Assert.Equal(HttpStatusCode.OK, (await head.GetAsync("/export/deals.xlsx")).StatusCode);
    }
}

/// <summary>In production a failure shows the generic error page: no stack traces, no detailed circuit errors.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ProductionErrors : IAsyncLifetime
{
    // The demo dataset outside Development is a demonstration server, asked for explicitly.
    private readonly CrmAppFactory _app = new() { Environment = "Production", Settings = { ["Demo:Enabled"] = "true" } };

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task CircuitErrorsAreNotDetailedAndTheErrorPageSaysNothingInternal()
    {
        var circuit = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>>().Value;
        Assert.False(circuit.DetailedErrors);
        var client = _app.NewClient();
        var error = await client.GetAsync("/Error");
        var html = await error.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);
        var missing = await client.GetAsync("/api/leads/not-a-route");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // A person who mistypes an address gets the app's page saying so, with the 404 status; a machine gets the bare code.
        Assert.Empty(await missing.Content.ReadAsStringAsync());
        foreach (var path in new[] { "/no-such-page", "/deals/not-a-number", "/leads/a/b/c" })
        {
            var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("Страница не найдена", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.True(error.Headers.Contains("Content-Security-Policy"));
    }
}
