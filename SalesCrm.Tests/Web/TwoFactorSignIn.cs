using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The optional second factor of the head and the administrator, through the real pages: turned on with a code from an
/// authenticator app (RFC 6238, computed here as the app would), then asked after the password; a recovery code opens one
/// sign-in; a manager cannot open the page at all.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed partial class TwoFactorSignIn : IAsyncLifetime
{
    private readonly CrmAppFactory _app = new();

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The six-digit code an authenticator app shows for a base32 key now.</summary>
    private static string Code(string base32)
    {
        var clean = base32.Replace(" ", "").ToUpperInvariant();
        var bits = string.Concat(clean.Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var counter = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian) Array.Reverse(counter);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string form, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(url);
        var token = TokenPattern().Match(page).Groups[1].Value;
        fields["_handler"] = form;
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task TheHeadTurnsItOnAndThenSignsInWithTheCodeOrARecoveryCode()
    {
        var own = _app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(own, "head@demo.salescrm")).StatusCode);
        var setup = await own.GetStringAsync("/account/two-factor");
        var key = WebUtility.HtmlDecode(KeyPattern().Match(setup).Groups[1].Value);
        Assert.Matches("^[a-z2-7 ]{20,}$", key);

        var wrong = await PostAsync(own, "/account/two-factor", "tf-on", new() { ["Input.Code"] = "000000" == Code(key) ? "111111" : "000000" });
        Assert.Contains("data-testid=\"tf-error\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var onResponse = await PostAsync(own, "/account/two-factor", "tf-on", new() { ["Input.Code"] = Code(key) });
        Assert.Equal(HttpStatusCode.Redirect, onResponse.StatusCode);
        var on = await own.GetStringAsync("/account/two-factor"); // this browser stays signed in and is shown the codes once
        var recovery = WebUtility.HtmlDecode(RecoveryPattern().Match(on).Groups[1].Value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, recovery.Length);
        Assert.DoesNotContain("tf-recovery-codes", await own.GetStringAsync("/account/two-factor"), StringComparison.Ordinal);

        // A new browser: the right password leads to the code step, not into the app.
        var other = _app.NewClient();
        var step = await CrmAppFactory.SignInAsync(other, "head@demo.salescrm");
        Assert.Equal(HttpStatusCode.Redirect, step.StatusCode);
        Assert.Equal("/login/code", new Uri(new Uri("http://localhost"), step.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/")).StatusCode); // not signed in yet
        var bad = await PostAsync(other, "/login/code", "login-code", new() { ["Input.Code"] = "123 456" == Code(key) ? "654321" : "123456" });
        Assert.Contains("Код не подошёл", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var done = await PostAsync(other, "/login/code", "login-code", new() { ["Input.Code"] = Code(key) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/")).StatusCode);

        // A recovery code opens one sign-in, once.
        var third = _app.NewClient();
        await CrmAppFactory.SignInAsync(third, "head@demo.salescrm");
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(third, "/login/code", "login-code", new() { ["Input.Code"] = recovery[0], ["Input.Recovery"] = "true" })).StatusCode);
        var fourth = _app.NewClient();
        await CrmAppFactory.SignInAsync(fourth, "head@demo.salescrm");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fourth, "/login/code", "login-code", new() { ["Input.Code"] = recovery[0], ["Input.Recovery"] = "true" })).StatusCode);

        await using var db = TestDatabase.CreateContext(_app.ConnectionString);
        var trail = await db.AuditEntries.Where(a => a.EntityId == "head@demo.salescrm").ToListAsync();
        Assert.Contains(trail, a => a.Action == AuditAction.SignIn && a.NewValue == "ok, second factor");
        Assert.Contains(trail, a => a.Action == AuditAction.SignInFailed && a.NewValue == "wrong second factor");
    }

    [Fact]
    public async Task AManagerHasNoSecondFactorPageAndTheCodeStepNeedsThePasswordFirst()
    {
        var manager = _app.NewClient();
        await CrmAppFactory.SignInAsync(manager, "m1@demo.salescrm");
        var page = await manager.GetAsync("/account/two-factor");
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);

        var stranger = _app.NewClient();
        var code = await stranger.GetAsync("/login/code");
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/login", new Uri(new Uri("http://localhost"), code.Headers.Location!).AbsolutePath);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("data-testid=\"tf-key\">([^<]*)<")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("data-testid=\"tf-recovery-codes\">([^<]*)<")]
    private static partial Regex RecoveryPattern();
}
