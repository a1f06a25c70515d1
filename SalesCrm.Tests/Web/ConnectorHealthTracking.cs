using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Access;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>The integrations page tells each connector's health from what its endpoint really took in and refused.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ConnectorHealthTracking(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private async Task<HttpStatusCode> TildaAsync(Dictionary<string, string> fields, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, FormsApi.TildaPath) { Content = new FormUrlEncodedContent(fields) };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return (await app.NewClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task MessagesAndRefusalsOfEachConnectorAreCountedWithTheLastReason()
    {
        var phone = "7903" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, await TildaAsync(new() { ["Phone"] = phone, ["tranid"] = "h:" + phone }, DemoDataGenerator.DemoApiKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await TildaAsync(new() { ["Phone"] = phone }, "wrong-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().PostAsync(MangoOfficeApi.Prefix + "/events/summary",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["vpbx_api_key"] = "k", ["json"] = "{}", ["sign"] = "00" }))).StatusCode);
        // Written by the node (at most every 15 s on the next message, here at once), then read by the head.
        await app.Services.GetRequiredService<ConnectorHealth>().WriteAsync();

        await using var h = await ServiceHarness.CreateAsync(app.ConnectionString);
        await h.User.SignInAsAsync("head@demo.salescrm");
        var rows = (await h.Get<IntegrationSecretService>().ConnectorsAsync()).ToDictionary(r => r.Connector);
        Assert.Equal(Enum.GetValues<Connector>().Length, rows.Count);
        var tilda = rows[Connector.Tilda];
        Assert.True(tilda.Messages >= 1);
        Assert.True(tilda.Errors >= 1);
        Assert.NotNull(tilda.LastMessageAt);
        Assert.StartsWith("401", tilda.LastError);
        Assert.Contains("ключ API", tilda.LastError);
        Assert.Equal(0, tilda.Backlog);
        Assert.True(rows[Connector.MangoOffice].Errors >= 1);
        Assert.Null(rows[Connector.MangoOffice].Backlog);

        await h.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Get<IntegrationSecretService>().ConnectorsAsync());
    }
}
