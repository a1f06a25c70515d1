using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The HTTP risk provider against a real HTTP server on 127.0.0.1 that answers like a provider would — and like a broken
/// one: the URL template with {inn}, an API-key header, the field mapping into nested JSON, and every failure refused in
/// Russian with nothing written.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class HttpRiskProviderRefresh : IAsyncLifetime
{
    private WebApplication _provider = default!;
    private ServiceHarness H { get; set; } = default!;
    private volatile string _mode = "ok";
    private readonly List<(string Path, string? Key)> _calls = [];

    public async ValueTask InitializeAsync()
    {
        _provider = StandInServer.New();
        _provider.MapGet("/v1/companies/{inn}/risk", async (string inn, HttpContext http) =>
        {
            lock (_calls) _calls.Add((http.Request.Path, http.Request.Headers["X-Api-Key"].ToString()));
            switch (_mode)
            {
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(3), http.RequestAborted);
                    return Results.Ok();
                case "error": return Results.StatusCode(503);
                case "html": return Results.Content("<html>maintenance</html>", "text/html");
                case "missing": return Results.Json(new { data = new { inn, indices = new { dd = 81 } } });
                case "range": return Results.Json(new { data = new { inn, indices = new { dd = 181, fin = "12,4", pay = 33 } } });
                default: return Results.Json(new { data = new { inn, indices = new { dd = 81, fin = "12,4", pay = 33 } } });
            }
        });
        await _provider.StartAsync();
        var address = _provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?>
        {
            ["CounterpartyRisk:Http:UrlTemplate"] = address + "/v1/companies/{inn}/risk",
            ["CounterpartyRisk:Http:Source"] = "Фокус",
            ["CounterpartyRisk:Http:Headers:X-Api-Key"] = "provider-key",
            ["CounterpartyRisk:Http:Fields:DueDiligence"] = "data.indices.dd",
            ["CounterpartyRisk:Http:Fields:FinancialRisk"] = "data.indices.fin",
            ["CounterpartyRisk:Http:Fields:PaymentDiscipline"] = "data.indices.pay",
            ["CounterpartyRisk:Http:TimeoutSeconds"] = "1",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await H.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private async Task<(int Id, string Inn)> ClientOfAsync(string email) => await H.QueryAsync(db => db.Clients
        .Where(c => c.Inn != null && c.Inn.Length == 10 && db.Managers.Any(m => m.Id == c.OwnerId && m.Email == email))
        .OrderBy(c => c.Id).Select(c => new ValueTuple<int, string>(c.Id, c.Inn!)).FirstAsync());

    [Fact]
    public async Task TheIndicesAreReadThroughTheMappingAndStoredWithTheSource()
    {
        var (id, inn) = await ClientOfAsync("m1@demo.salescrm");
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var risks = H.Get<CounterpartyRiskService>();
        Assert.Equal("Фокус", risks.ProviderSource);

        var indices = await risks.RefreshFromProviderAsync(id);

        Assert.Equal(new RiskIndices(81, 12, 33), indices);
        var client = await H.QueryAsync(db => db.Clients.SingleAsync(c => c.Id == id));
        Assert.Equal(new RiskIndices(81, 12, 33), client.RiskIndices);
        Assert.Equal(RiskLevel.High, client.Risk);
        Assert.Equal("Фокус", client.RiskSource);
        Assert.Equal(H.Time.GetUtcNow().UtcDateTime, client.RiskUpdatedAt!.Value, TimeSpan.FromSeconds(1));
        lock (_calls) Assert.Equal(($"/v1/companies/{inn}/risk", "provider-key"), Assert.Single(_calls));
    }

    [Theory]
    [InlineData("error", "ответил ошибкой 503")]
    [InlineData("html", "ожидался JSON")]
    [InlineData("missing", "нет поля «data.indices.fin»")]
    [InlineData("range", "число от 0 до 100")]
    [InlineData("slow", "не ответил за 1 с")]
    public async Task AFailingProviderIsExplainedAndNothingIsWritten(string mode, string message)
    {
        var (id, _) = await ClientOfAsync("m1@demo.salescrm");
        var before = await H.QueryAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.Id == id));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        _mode = mode;

        var error = await Assert.ThrowsAsync<DomainException>(() => H.Get<CounterpartyRiskService>().RefreshFromProviderAsync(id));

        Assert.Contains(message, error.Message);
        Assert.StartsWith("Фокус", error.Message.Replace("В ответе ", ""));
        var after = await H.QueryAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.Equal((before.RiskIndices, before.RiskSource, before.RiskUpdatedAt, before.Version), (after.RiskIndices, after.RiskSource, after.RiskUpdatedAt, after.Version));
    }

    [Fact]
    public async Task AnotherManagersClientIsRefused()
    {
        var (id, _) = await ClientOfAsync("m5@demo.salescrm");
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<CounterpartyRiskService>().RefreshFromProviderAsync(id));
        lock (_calls) Assert.Empty(_calls);
    }
}
