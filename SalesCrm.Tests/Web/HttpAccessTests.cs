using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>The real app in memory: sign-in, redirects, and access checked on the server for every page.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class HttpAccess(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private async Task<int> DealOfAsync(string email)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await db.Deals.Where(d => d.Owner!.Email == email && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
    }

    [Fact]
    public void RunsOnTheTestDatabase() =>
        Assert.Equal(app.ConnectionString, app.Services.GetRequiredService<DatabaseOptions>().ConnectionString);

    [Theory]
    [InlineData("/")]
    [InlineData("/deals")]
    [InlineData("/deals/1")]
    [InlineData("/clients")]
    [InlineData("/tasks")]
    [InlineData("/diagnostics")]
    public async Task AnonymousIsSentToLogin(string path)
    {
        var response = await app.NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery);
        Assert.Contains("ReturnUrl", response.Headers.Location!.Query);
    }

    [Fact]
    public async Task TheLoginPageIsRussianWithTheHooks()
    {
        var html = await app.NewClient().GetStringAsync("/login");
        Assert.Contains("Вход в систему", html);
        foreach (var hook in new[] { "login-email", "login-password", "login-submit" })
            Assert.Contains($"data-testid=\"{hook}\"", html);
    }

    [Fact]
    public async Task AManagerOpensOwnDealButGetsAccessDeniedForAForeignOne()
    {
        var client = app.NewClient();
        var signIn = await CrmAppFactory.SignInAsync(client, "m1@demo.salescrm");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var own = await client.GetStringAsync($"/deals/{await DealOfAsync("m1@demo.salescrm")}");
        Assert.Contains("data-testid=\"deal-stage\"", own);
        Assert.DoesNotContain("data-testid=\"access-denied\"", own);

        var foreignId = await DealOfAsync("m5@demo.salescrm");
        var foreign = await client.GetStringAsync($"/deals/{foreignId}");
        Assert.Contains("data-testid=\"access-denied\"", foreign);
        Assert.DoesNotContain("data-testid=\"deal-stage\"", foreign);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var key = foreignId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.EntityId == key));
    }

    [Fact]
    public async Task CoachingPagesAreForTheCoachAndAManagersOwnPageOnly()
    {
        var manager = app.NewClient();
        await CrmAppFactory.SignInAsync(manager, "m1@demo.salescrm");
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var ids = await db.Managers.Where(m => m.Email == "m1@demo.salescrm" || m.Email == "m2@demo.salescrm").OrderBy(m => m.Email)
            .Select(m => m.Id).ToListAsync();
        Assert.NotEqual(HttpStatusCode.OK, (await manager.GetAsync("/team")).StatusCode);
        Assert.Contains("data-testid=\"scorecard\"", await manager.GetStringAsync($"/team/{ids[0]}"));
        var foreign = await manager.GetStringAsync($"/team/{ids[1]}");
        Assert.Contains("data-testid=\"access-denied\"", foreign);
        Assert.DoesNotContain("data-testid=\"scorecard\"", foreign);

        var lead = app.NewClient();
        await CrmAppFactory.SignInAsync(lead, "lead@demo.salescrm");
        var team = await lead.GetStringAsync("/team");
        Assert.Contains($"data-manager-id=\"{ids[1]}\"", team);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedInRussianAndLogged()
    {
        var client = app.NewClient();
        var response = await CrmAppFactory.SignInAsync(client, "m2@demo.salescrm", "wrong-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Неверный e-mail или пароль", await response.Content.ReadAsStringAsync());
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.SignInFailed && a.EntityId == "m2@demo.salescrm"));
    }

    [Fact]
    public async Task TheHealthEndpointAnswers() =>
        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().GetAsync("/health")).StatusCode);
}

/// <summary>The language switch: English through resx, per user, Russian by default whatever the browser says.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class LanguageSwitch(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    [Fact]
    public async Task RussianIsTheDefaultEvenForAnEnglishBrowser()
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        Assert.Contains("Вход в систему", await client.GetStringAsync("/login"));
    }

    [Fact]
    public async Task AUserCanSwitchToEnglishAndItSticks()
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "m3@demo.salescrm");
        var switched = await CrmAppFactory.PostFormAsync(client, "/culture", new() { ["culture"] = "en-US", ["redirect"] = "/deals" });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/deals", switched.Headers.Location!.OriginalString);
        var html = await client.GetStringAsync("/deals");
        Assert.Contains("Open only", html);
        Assert.DoesNotContain("Только открытые", html);

        // The choice is stored on the user: a fresh sign-in elsewhere comes back in English.
        var other = app.NewClient();
        await CrmAppFactory.SignInAsync(other, "m3@demo.salescrm");
        Assert.Contains("Open only", await other.GetStringAsync("/deals"));
    }

    [Fact]
    public async Task AnUnknownCultureIsRefused()
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "m4@demo.salescrm");
        Assert.Equal(HttpStatusCode.BadRequest, (await CrmAppFactory.PostFormAsync(client, "/culture", new() { ["culture"] = "xx-XX" })).StatusCode);
    }
}
