using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Demo;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The real app started as a Production process on a real PostgreSQL database: nothing of the demo unless asked for, a
/// refusal that names the setting when a secret is missing or is one the repository ships, and the first administrator from
/// configuration or from the one-time command.
/// </summary>
[Trait(TestKind.Key, TestKind.Server)]
public sealed partial class ProductionStart(PostgresServer postgres)
{
    private const string StrongPassword = "Ku7-vbn!Qx2";

    private static Dictionary<string, string> Production(string connection, params IEnumerable<(string Key, string Value)> settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = connection,
            ["AllowedHosts"] = "127.0.0.1;localhost",
            ["BackgroundJobs__Enabled"] = "false",
        };
        foreach (var (key, value) in settings) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return environment;
    }

    private static Task<(int ExitCode, string Output)> StartRefusedAsync(Dictionary<string, string> environment) => AppProcess.RunToExitAsync(environment);

    [Fact]
    public async Task AnEmptyDatabaseWithoutAnAdministratorIsRefusedWithTheWaysToCreateOne()
    {
        var (code, output) = await StartRefusedAsync(Production(await postgres.CreateDatabaseAsync()));
        Assert.Equal(2, code);
        Assert.Contains("Bootstrap:AdminEmail", output, StringComparison.Ordinal);
        Assert.Contains("create-admin", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Telephony:Secret", DemoDataGenerator.DemoTelephonySecret)]
    [InlineData("Bootstrap:AdminPassword", DemoDataGenerator.DemoPassword)]
    [InlineData("Smtp:Password", DemoDataGenerator.DemoPassword)]
    public async Task ASecretShippedWithTheRepositoryIsRefusedByName(string key, string value)
    {
        var (code, output) = await StartRefusedAsync(Production(await postgres.CreateDatabaseAsync(),
            ("Bootstrap:AdminEmail", "admin@insurer.ru"), ("Bootstrap:AdminPassword", StrongPassword), (key, value)));
        Assert.Equal(2, code);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.DoesNotContain(value, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsOpenToAnyNameAreRefused()
    {
        var (code, output) = await StartRefusedAsync(Production(await postgres.CreateDatabaseAsync(),
            ("Bootstrap:AdminEmail", "admin@insurer.ru"), ("Bootstrap:AdminPassword", StrongPassword), ("AllowedHosts", "*")));
        Assert.Equal(2, code);
        Assert.Contains("AllowedHosts", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDemoDatabaseStartsOnlyWhenTheDemoIsAskedFor()
    {
        var demo = await postgres.CreateDemoDatabaseAsync(clients: 30, deals: 60);
        var (code, output) = await StartRefusedAsync(Production(demo));
        Assert.Equal(2, code);
        Assert.Contains("Demo:Enabled", output, StringComparison.Ordinal);

        await using var app = await AppProcess.StartAsync(Production(demo, ("Demo:Enabled", "true")));
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(app.BaseUrl + "/health")).StatusCode);
    }

    [Fact]
    public async Task WithAnAdministratorFromConfigurationItStartsWithNothingOfTheDemo()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var app = await AppProcess.StartAsync(Production(connection, ("Demo:Enabled", "false"),
            ("Bootstrap:AdminEmail", "admin@insurer.ru"), ("Bootstrap:AdminPassword", StrongPassword)));
        using var client = NewClient(app.BaseUrl);

        // The demo's accounts, key and secret do not exist.
        var demoSignIn = await SignInAsync(client, "head@demo.salescrm", DemoDataGenerator.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, demoSignIn.StatusCode);   // the form again, with its error
        Assert.Contains("data-testid=\"login-error\"", await demoSignIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var lead = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = JsonBody("{\"company\":\"ООО «Тест»\",\"phone\":\"+7 495 111-22-33\"}") };
        lead.Headers.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(lead)).StatusCode);
        var body = "{\"callId\":\"p-1\",\"event\":\"ended\",\"direction\":\"inbound\",\"from\":\"+74951112233\"}"u8.ToArray();
        using var call = new HttpRequestMessage(HttpMethod.Post, SalesCrm.Web.Api.TelephonyApi.Path) { Content = new ByteArrayContent(body) };
        call.Content.Headers.ContentType = new("application/json");
        call.Headers.Add(SalesCrm.Web.Api.TelephonyApi.SignatureHeader, "sha256=" + SalesCrm.Web.Api.TelephonyApi.Sign(DemoDataGenerator.DemoTelephonySecret, body));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(call)).StatusCode);

        // The administrator from the configuration signs in.
        var admin = await SignInAsync(client, "admin@insurer.ru", StrongPassword);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal("/", Where(admin));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);

        await using var db = new SalesCrm.Data.Providers.PostgreSqlCrmDbContext(SalesCrm.Data.CrmDatabase.Configure(
            new DbContextOptionsBuilder<SalesCrm.Data.Providers.PostgreSqlCrmDbContext>(),
            new SalesCrm.Data.DatabaseOptions { Provider = SalesCrm.Data.DatabaseProvider.PostgreSql, ConnectionString = connection }).Options);
        Assert.Equal(["admin@insurer.ru"], await db.Users.Select(u => u.Email!).ToListAsync());
        Assert.Equal(0, await db.Deals.CountAsync());
        Assert.Equal(0, await db.ApiKeys.CountAsync());
    }

    [Fact]
    public async Task TheCreateAdminCommandGivesAOneTimePasswordThatMustBeReplacedFirst()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var (code, output) = await AppProcess.RunToExitAsync(Production(connection), "create-admin", "--email", "it@insurer.ru", "--name", "Соколов Игорь");
        Assert.True(code == 0, output);
        var password = OneTimePassword().Match(output).Groups[1].Value;
        Assert.Equal(16, password.Length);

        await using var app = await AppProcess.StartAsync(Production(connection, ("Demo:Enabled", "false")));
        using var client = NewClient(app.BaseUrl);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "it@insurer.ru", password)).StatusCode);
        // Until the password is replaced, every page leads to the change and the machine paths are closed.
        var page = await client.GetAsync("/deals");
        Assert.Equal("/account/password", Where(page));
        var export = await client.GetAsync("/export/deals.xlsx");
        Assert.True(export.StatusCode == HttpStatusCode.Forbidden, export.StatusCode + " " + export.Headers.Location);

        var form = await client.GetStringAsync("/account/password");
        Assert.Contains("data-testid=\"password-must-change\"", form, StringComparison.Ordinal);
        var changed = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "password",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Token().Match(form).Groups[1].Value),
            ["Input.Current"] = password,
            ["Input.New"] = StrongPassword,
            ["Input.Repeat"] = StrongPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/deals")).StatusCode);

        // The one-time password no longer opens anything; the chosen one does.
        using var other = NewClient(app.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(other, "it@insurer.ru", password)).StatusCode);
        Assert.Equal("/", Where(await SignInAsync(other, "it@insurer.ru", StrongPassword)));
    }

    [Fact]
    public async Task BehindAConfiguredProxyCookiesAreSecureAndHstsIsSentButNobodyElseIsBelieved()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var settings = new[] { ("Demo:Enabled", "false"), ("Bootstrap:AdminEmail", "admin@insurer.ru"), ("Bootstrap:AdminPassword", StrongPassword),
            ("AllowedHosts", "crm.insurer.test;127.0.0.1") };
        await using (var behindProxy = await AppProcess.StartAsync(Production(connection, [.. settings, ("Proxy:KnownProxies", "127.0.0.1")])))
        {
            var login = await ViaProxyAsync(behindProxy.BaseUrl, "/login");
            Assert.True(login.Headers.Contains("Strict-Transport-Security"));
            Assert.All(login.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
            // A page that needs signing in sends the browser to the sign-in over HTTPS, on the host it asked for.
            var page = await ViaProxyAsync(behindProxy.BaseUrl, "/deals");
            Assert.Equal("https://crm.insurer.test/login", page.Headers.Location!.GetLeftPart(UriPartial.Path));
        }
        // The same headers from an address that is not a configured proxy are not believed.
        await using var direct = await AppProcess.StartAsync(Production(connection, [.. settings, ("Proxy:KnownProxies", "10.9.9.9")]));
        var spoofed = await ViaProxyAsync(direct.BaseUrl, "/login");
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        Assert.All(spoofed.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("http://crm.insurer.test/login", (await ViaProxyAsync(direct.BaseUrl, "/deals")).Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        // A host name nobody configured is refused rather than copied into links.
        using var evil = new HttpRequestMessage(HttpMethod.Get, direct.BaseUrl + "/login");
        evil.Headers.Host = "evil.example";
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(evil)).StatusCode);
    }

    /// <summary>A request as nginx passes it on after terminating TLS for crm.insurer.test.</summary>
    private static async Task<HttpResponseMessage> ViaProxyAsync(string baseUrl, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + path);
        request.Headers.Host = "crm.insurer.test";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        return await http.SendAsync(request);
    }

    private static HttpClient NewClient(string baseUrl) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };

    /// <summary>The path a redirect leads to (Blazor's pages answer with an absolute address).</summary>
    private static string? Where(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(response.RequestMessage!.RequestUri!, location).AbsolutePath : null;

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) => CrmAppFactory.SignInAsync(client, email, password);

    [GeneratedRegex("Одноразовый пароль: (\\S+)")]
    private static partial Regex OneTimePassword();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
