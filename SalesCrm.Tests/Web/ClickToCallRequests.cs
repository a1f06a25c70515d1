using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Click-to-call against a stand-in for the PBXs' APIs — a real HTTP server on 127.0.0.1 that checks each request as the
/// vendors document it (Mango Office's signed <c>commands/callback</c>, Zadarma's signed <c>/v1/request/callback/</c>) and answers
/// as they do, or refuses, or is gone.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ClickToCallRequests
{
    private const string MangoKey = "vpbx-call-key";
    private const string MangoSalt = "mango-call-salt-00112233";
    private const string ZadarmaKey = "zadarma-call-key";
    private const string ZadarmaSecret = "zadarma-call-secret-445566";

    /// <summary>What the stand-in received, and what it answers next.</summary>
    private sealed class StandIn : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public ConcurrentQueue<JsonElement> MangoCommands { get; } = new();
        public ConcurrentQueue<IQueryCollection> ZadarmaRequests { get; } = new();
        public string MangoResult { get; set; } = "1000";
        public string Url => App.Urls.First();
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<StandIn> StandInAsync()
    {
        var app = StandInServer.New();
        var standIn = new StandIn { App = app };
        app.MapPost("/vpbx/commands/callback", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var json = form["json"].ToString();
            if (form["vpbx_api_key"] != MangoKey || form["sign"] != MangoOffice.Sign(MangoKey, json, MangoSalt)) return Results.Json(new { result = 3102 }, statusCode: 401);
            standIn.MangoCommands.Enqueue(JsonDocument.Parse(json).RootElement.Clone());
            return Results.Json(new { result = int.Parse(standIn.MangoResult, System.Globalization.CultureInfo.InvariantCulture) });
        });
        app.MapGet("/v1/request/callback/", (HttpContext c) =>
        {
            var query = c.Request.QueryString.Value!.TrimStart('?');
            if (c.Request.Headers.Authorization != $"{ZadarmaKey}:{Zadarma.ApiSignature("/v1/request/callback/", query, ZadarmaSecret)}")
                return Results.Json(new { status = "error", message = "Not authorized" }, statusCode: 401);
            standIn.ZadarmaRequests.Enqueue(c.Request.Query);
            return c.Request.Query["format"] == "json" && c.Request.Query["to"].ToString().All(char.IsAsciiDigit)
                ? Results.Json(new { status = "success", from = c.Request.Query["from"].ToString(), to = c.Request.Query["to"].ToString(), time = 1765100000 })
                : Results.Json(new { status = "error", message = "Wrong parameters" }, statusCode: 400);
        });
        await app.StartAsync();
        return standIn;
    }

    private static async Task<ServiceHarness> HarnessAsync(string connection, StandIn pbx) =>
        await ServiceHarness.CreateAsync(connection, settings: new Dictionary<string, string?>
        {
            ["Telephony:MangoOfficeApiUrl"] = pbx.Url + "/vpbx/", ["Telephony:ZadarmaApiUrl"] = pbx.Url,
        });

    /// <summary>A client of <paramref name="ownerEmail"/> with an open deal, its own phone and a contact with a phone.</summary>
    private static async Task<(int ClientId, string ClientPhone, int ContactId, string ContactPhone)> ClientAsync(ServiceHarness h, string ownerEmail) =>
        await h.QueryAsync(async db =>
        {
            var c = await db.Clients.Where(c => c.OwnerId == db.Managers.Where(m => m.Email == ownerEmail).Select(m => m.Id).First() && c.Phone != null
                                                && db.Contacts.Any(x => x.ClientId == c.Id && x.PhoneNormalized != null))
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.Phone, Contact = db.Contacts.Where(x => x.ClientId == c.Id && x.PhoneNormalized != null).OrderBy(x => x.Id).Select(x => new { x.Id, x.Phone }).First() })
                .FirstAsync();
            return (c.Id, c.Phone!, c.Contact.Id, c.Contact.Phone!);
        });

    private static async Task<string> ExtensionOfAsync(ServiceHarness h, string email) =>
        await h.QueryAsync(db => db.Managers.Where(m => m.Email == email).Select(m => m.Extension!).SingleAsync());

    [Fact]
    public async Task MangoOfficeRingsTheManagersExtensionThenTheNumberTheCardHolds()
    {
        await using var pbx = await StandInAsync();
        var connection = await TestDatabase.CopyAsync();
        PbxCredentials.Keep(connection, IntegrationKind.MangoOffice, MangoKey, MangoSalt, TimeProvider.System);
        await using var h = await HarnessAsync(connection, pbx);
        await h.User.SignInAsAsync("m1@demo.salescrm");
        var calls = h.Get<ClickToCallService>();
        var (clientId, clientPhone, contactId, contactPhone) = await ClientAsync(h, "m1@demo.salescrm");
        var extension = await ExtensionOfAsync(h, "m1@demo.salescrm");

        Assert.True((await calls.StateAsync()).Available);
        var placed = await calls.CallAsync(PhoneOwner.Contact, contactId);
        Assert.Equal(("Mango Office", extension, "+" + Phone.Normalize(contactPhone)), (placed.Pbx, placed.Extension, placed.Number));
        var command = Assert.Single(pbx.MangoCommands);
        Assert.Equal(extension, command.GetProperty("from").GetProperty("extension").GetString());
        Assert.Equal(Phone.Normalize(contactPhone), command.GetProperty("to_number").GetString());
        Assert.StartsWith("salescrm-", command.GetProperty("command_id").GetString());

        // A second click at once is refused politely; a few seconds later it goes through.
        var again = await Assert.ThrowsAsync<DomainException>(() => calls.CallAsync(PhoneOwner.Client, clientId));
        Assert.Contains("уже заказан", again.Message);
        h.Time.Advance(ClickToCallPace.Between);
        await calls.CallAsync(PhoneOwner.Client, clientId);
        Assert.Equal(Phone.Normalize(clientPhone), pbx.MangoCommands.Last().GetProperty("to_number").GetString());

        // The PBX refuses (an extension it does not know): the code, in Russian.
        pbx.MangoResult = "4101";
        h.Time.Advance(ClickToCallPace.Between);
        var refused = await Assert.ThrowsAsync<DomainException>(() => calls.CallAsync(PhoneOwner.Client, clientId));
        Assert.Contains("отказала в звонке (код 4101)", refused.Message);

        // The PBX is down: a clear message, with the number to dial by hand.
        await pbx.App.StopAsync();
        h.Time.Advance(ClickToCallPace.Between);
        var down = await Assert.ThrowsAsync<DomainException>(() => calls.CallAsync(PhoneOwner.Client, clientId));
        Assert.Contains("Mango Office не отвечает", down.Message);
        Assert.Contains("+" + Phone.Normalize(clientPhone), down.Message);
    }

    [Fact]
    public async Task NobodyCallsANumberTheyMayNotSeeOrWithoutAnExtension()
    {
        await using var pbx = await StandInAsync();
        var connection = await TestDatabase.CopyAsync();
        PbxCredentials.Keep(connection, IntegrationKind.MangoOffice, MangoKey, MangoSalt, TimeProvider.System);
        await using var h = await HarnessAsync(connection, pbx);
        var (clientId, _, contactId, _) = await ClientAsync(h, "m1@demo.salescrm");
        var lead = await h.QueryAsync(db => db.Leads.Where(l => l.AssigneeId == db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).First() && l.Phone != null).Select(l => l.Id).FirstAsync());

        // Another team's manager: neither the client, its contact nor the lead.
        await h.User.SignInAsAsync("m5@demo.salescrm");
        var calls = h.Get<ClickToCallService>();
        await Assert.ThrowsAsync<AccessDeniedException>(() => calls.CallAsync(PhoneOwner.Client, clientId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => calls.CallAsync(PhoneOwner.Contact, contactId));
        await Assert.ThrowsAsync<AccessDeniedException>(() => calls.CallAsync(PhoneOwner.Lead, lead));
        await Assert.ThrowsAsync<NotFoundException>(() => calls.CallAsync(PhoneOwner.Contact, int.MaxValue));

        // The owner without an extension: told what to ask the administrator.
        await using (var db = h.Db())
        {
            var m1 = await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm");
            m1.SetContacts(m1.Phone, null);
            await db.SaveChangesAsync();
        }
        await h.User.SignInAsAsync("m1@demo.salescrm");
        calls = h.Get<ClickToCallService>();
        Assert.False((await calls.StateAsync()).Available);
        var noExtension = await Assert.ThrowsAsync<DomainException>(() => calls.CallAsync(PhoneOwner.Lead, lead));
        Assert.Contains("добавочного номера", noExtension.Message);
        Assert.Empty(pbx.MangoCommands);
    }

    [Fact]
    public async Task ZadarmaIsAskedWithASignedRequestAndWithoutAPbxNothingIsOffered()
    {
        await using var pbx = await StandInAsync();
        var connection = await TestDatabase.CopyAsync();
        await using var h = await HarnessAsync(connection, pbx);
        await h.User.SignInAsAsync("m1@demo.salescrm");
        var lead = await h.QueryAsync(db => db.Leads.Where(l => l.AssigneeId == db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).First() && l.PhoneNormalized != null)
            .Select(l => new { l.Id, l.PhoneNormalized }).FirstAsync());

        var state = await h.Get<ClickToCallService>().StateAsync();
        Assert.Null(state.Pbx);
        Assert.Contains("не настроены", state.Unavailable!.ToString());
        await Assert.ThrowsAsync<DomainException>(() => h.Get<ClickToCallService>().CallAsync(PhoneOwner.Lead, lead.Id));

        PbxCredentials.Keep(connection, IntegrationKind.Zadarma, ZadarmaKey, ZadarmaSecret, TimeProvider.System);
        h.Get<IntegrationSecretVerifier>().Forget();
        var calls = h.Get<ClickToCallService>();
        var placed = await calls.CallAsync(PhoneOwner.Lead, lead.Id);
        Assert.Equal("Zadarma", placed.Pbx);
        var request = Assert.Single(pbx.ZadarmaRequests);
        Assert.Equal(await ExtensionOfAsync(h, "m1@demo.salescrm"), request["from"].ToString());
        Assert.Equal(lead.PhoneNormalized, request["to"].ToString());
    }
}
