using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Security;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The sign-in form as an attacker meets it: the same answer for an unknown account and a wrong password, guessing slowed
/// per e-mail and per address but nobody locked out of their own account, every attempt in the audit trail.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed partial class SignInAnswers : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CrmAppFactory _factory = new();
    private WebApplicationFactory<Program> _app = default!;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        // The app's clock is the test's, so that waiting out a slowdown is a step of the test, not a sleep.
        _app = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_time)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        ErrorPattern().Match(await response.Content.ReadAsStringAsync()) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [Fact]
    public async Task AnUnknownAccountAndAWrongPasswordGetTheSameAnswer()
    {
        var unknown = await CrmAppFactory.SignInAsync(Browser(), "nobody@demo.salescrm", "Wrong-password-1");
        var wrong = await CrmAppFactory.SignInAsync(Browser(), "m3@demo.salescrm", "Wrong-password-1");
        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Equal("Неверный e-mail или пароль.", await ErrorOf(unknown));
        Assert.Equal(await ErrorOf(unknown), await ErrorOf(wrong));

        // Slowed alike after the same number of failures, so the slowdown does not tell either.
        for (var i = 0; i < SignInGuard.FreeFailures; i++)
        {
            await CrmAppFactory.SignInAsync(Browser(), "nobody@demo.salescrm", "Wrong-password-1");
            await CrmAppFactory.SignInAsync(Browser(), "m3@demo.salescrm", "Wrong-password-1");
        }
        var slowUnknown = await ErrorOf(await CrmAppFactory.SignInAsync(Browser(), "nobody@demo.salescrm", "Wrong-password-1"));
        var slowKnown = await ErrorOf(await CrmAppFactory.SignInAsync(Browser(), "m3@demo.salescrm", "Wrong-password-1"));
        Assert.StartsWith("Слишком много неудачных попыток входа", slowUnknown, StringComparison.Ordinal);
        Assert.Equal(slowUnknown, slowKnown);
    }

    [Fact]
    public async Task GuessingIsSlowedButTheOwnerIsNeverLockedOut()
    {
        // m2 signed in from their own browser before.
        var own = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(own, "m2@demo.salescrm")).StatusCode);
        await CrmAppFactory.SignOutAsync(own);

        // Somebody else guesses m2's password from another browser, patiently enough that every guess counts (a minute apart).
        var attacker = Browser();
        for (var i = 0; i < 12; i++)
        {
            _time.Advance(SignInGuard.MaxWait + TimeSpan.FromSeconds(1));
            await CrmAppFactory.SignInAsync(attacker, "m2@demo.salescrm", $"Guess-{i}-password");
        }
        var refused = await CrmAppFactory.SignInAsync(attacker, "m2@demo.salescrm");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("Слишком много неудачных попыток входа. Повторите через 60 с.", await ErrorOf(refused));

        // m2 on the browser they signed in from is not slowed at all ...
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(own, "m2@demo.salescrm")).StatusCode);
        await CrmAppFactory.SignOutAsync(own);
        // ... and on a new browser waits a minute at most, however long the guessing went on.
        _time.Advance(SignInGuard.MaxWait + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(Browser(), "m2@demo.salescrm")).StatusCode);

        await using var db = TestDatabase.CreateContext(_factory.ConnectionString);
        var trail = await db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == "m2@demo.salescrm").ToListAsync();
        Assert.Contains(trail, a => a.Action == AuditAction.SignInFailed && a.NewValue == "throttled");
        Assert.Equal(3, trail.Count(a => a.Action == AuditAction.SignIn));
    }

    [Fact]
    public async Task OneAddressGuessingManyAccountsIsSlowedToo()
    {
        for (var i = 0; i < SignInGuard.AddressFailures; i++)
            await CrmAppFactory.SignInAsync(Browser(), $"scan{i}@example.ru", "Wrong-password-1");
        var next = await CrmAppFactory.SignInAsync(Browser(), "m4@demo.salescrm");
        Assert.StartsWith("Слишком много неудачных попыток входа", await ErrorOf(next), StringComparison.Ordinal);
        _time.Advance(SignInGuard.AddressWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignInAsync(Browser(), "m4@demo.salescrm")).StatusCode);
    }

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex ErrorPattern();
}

/// <summary>Signing out ends the session everywhere: a copy of the cookie taken before opens nothing afterwards.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class SignOutEverywhere : IAsyncLifetime
{
    // Every request checks the account's stamp (the default is every 10 seconds), so the test needs no waiting.
    private readonly CrmAppFactory _app = new() { Settings = { ["Auth:RevalidateSeconds"] = "0" } };

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task ACookieCapturedBeforeSignOutOpensNoDealAndNoExport()
    {
        var browser = _app.NewClient();
        var signIn = await CrmAppFactory.SignInAsync(browser, "m1@demo.salescrm");
        var cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        await using var db = TestDatabase.CreateContext(_app.ConnectionString);
        var deal = await db.Deals.Where(d => d.Owner!.Email == "m1@demo.salescrm").Select(d => d.Id).FirstAsync();

        var thief = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        thief.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync($"/deals/{deal}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/export/deals.xlsx")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignOutAsync(browser)).StatusCode);

        var page = await thief.GetAsync($"/deals/{deal}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.IsAbsoluteUri ? page.Headers.Location.PathAndQuery : page.Headers.Location.OriginalString, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, (await thief.GetAsync("/export/deals.xlsx")).StatusCode);
        Assert.Contains(await db.AuditEntries.Where(a => a.EntityType == "User" && a.EntityId == "m1@demo.salescrm").ToListAsync(),
            a => a.Action == AuditAction.Account && a.NewValue == "выход");
    }
}
