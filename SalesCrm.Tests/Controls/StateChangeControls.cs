using System.Net;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// State changes only by a form post with the antiforgery token; crafted return addresses are ignored, never a 500;
/// exported workbooks are never cached; a NUL in an address is refused before anything reads it.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class StateChangeControls(CrmAppFactoryWithoutJobs app) : IClassFixture<CrmAppFactoryWithoutJobs>
{
    [Fact]
    public async Task SignOutAndTheLanguageSwitchNeedTheFormsToken()
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "m4@demo.salescrm");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode); // still signed in: a forged post ended nothing
        Assert.NotEqual(HttpStatusCode.Redirect, (await client.GetAsync("/culture?culture=en-US&redirect=%2F")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en-US" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await CrmAppFactory.SignOutAsync(client)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("/deals%0d%0aSet-Cookie:%20x=1")]
    [InlineData("/%09/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task ACraftedReturnAddressIsIgnored(string returnUrl)
    {
        var client = app.NewClient();
        var page = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var answer = await client.PostAsync($"/login?ReturnUrl={returnUrl}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Email"] = "m5@demo.salescrm", ["Input.Password"] = "Demo123!",
        }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.Equal("/", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString);

        var culture = await CrmAppFactory.PostFormAsync(client, "/culture", new() { ["culture"] = "ru-RU", ["redirect"] = Uri.UnescapeDataString(returnUrl) });
        Assert.Equal(HttpStatusCode.Redirect, culture.StatusCode);
        Assert.Equal("/", culture.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnExportIsNeverCached()
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "lead@demo.salescrm");
        var export = await client.GetAsync("/export/deals.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.True(export.Headers.CacheControl?.NoStore, export.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("/deals?q=%00")]
    [InlineData("/clients?text=%D0%A0%00")]
    [InlineData("/export/deals.xlsx?text=%00")]
    public async Task ANulInTheAddressIsRefusedInRussianNotA500(string url)
    {
        var client = app.NewClient();
        await CrmAppFactory.SignInAsync(client, "lead@demo.salescrm");
        var answer = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("недопустимый управляющий символ", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
