using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Mango Office's event callbacks through the app in memory, written from its API documentation (docs/integrations/mango-office.md)
/// and signed as the PBX signs them: form fields vpbx_api_key, json and sign = sha256(key + json + salt).
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class MangoOfficeEvents : IClassFixture<CrmAppFactory>
{
    private const string Key = "vpbx-demo-key-1f2e3d";
    private const string Salt = "mango-demo-salt-7a8b9c0d";
    private readonly CrmAppFactory app;

    public MangoOfficeEvents(CrmAppFactory app)
    {
        this.app = app;
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.MangoOffice, Key, Salt, TimeProvider.System);
        app.Services.GetRequiredService<IntegrationSecretVerifier>().Forget();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string? json, string key = Key, string salt = Salt, string? sign = null)
    {
        var fields = new Dictionary<string, string> { ["vpbx_api_key"] = key };
        if (json is not null)
        {
            fields["json"] = json;
            fields["sign"] = sign ?? MangoOffice.Sign(key, json, salt);
        }
        return await app.NewClient().PostAsync(MangoOfficeApi.Prefix + "/" + path, new FormUrlEncodedContent(fields));
    }

    private static long Unix(DateTime at) => new DateTimeOffset(at).ToUnixTimeSeconds();

    /// <summary>An events/summary as the documentation shows it (numbers without "+", times in Unix seconds).</summary>
    private static string Summary(string entry, int direction, string from, string? fromExtension, string to, string? toExtension, bool talked)
    {
        var created = DateTime.UtcNow.AddMinutes(-5);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["entry_id"] = entry, ["call_direction"] = direction,
            ["from"] = fromExtension is null ? new { number = from } : new { extension = fromExtension, number = from },
            ["to"] = toExtension is null ? new { number = to } : new { extension = toExtension, number = to },
            ["line_number"] = "74951000000", ["create_time"] = Unix(created), ["forward_time"] = Unix(created.AddSeconds(2)),
            ["talk_time"] = talked ? Unix(created.AddSeconds(10)) : 0, ["end_time"] = Unix(created.AddSeconds(talked ? 190 : 30)),
            ["entry_result"] = talked ? 1 : 0, ["disconnect_reason"] = 1100,
        });
    }

    [Fact]
    public async Task TheConnectionCheckIsAnsweredAndLegEventsAreAcknowledgedWithoutARecord()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("ping", null)).StatusCode);
        var entry = "leg-" + Guid.NewGuid().ToString("N");
        var appeared = JsonSerializer.Serialize(new
        {
            entry_id = entry, call_id = entry + "-1", timestamp = Unix(DateTime.UtcNow), seq = 1, call_state = "Appeared", location = "abonent",
            from = new { number = "74991102914" }, to = new { extension = "105", number = "sip:m1@demo.mangosip.ru", line_number = "74951000000", acd_group = "22" },
        });
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/call", appeared)).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Activities.AnyAsync(a => a.CallId == "mango:" + entry));
    }

    [Fact]
    public async Task AnotherKeyOrAWrongSignatureIs401AndRecordsNothing()
    {
        var entry = "sig-" + Guid.NewGuid().ToString("N");
        var json = Summary(entry, 1, "79990000071", null, "74951000000", "105", talked: true);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("events/summary", json, sign: "00ff")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("events/summary", json, salt: "another-salt-of-someone")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("events/summary", json, key: "someone-elses-key")).StatusCode);
        // The JSON changed after signing (a spoofed duration): the signature no longer holds.
        var signed = MangoOffice.Sign(Key, json, Salt);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("events/summary", json.Replace("1100", "1101"), sign: signed)).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Activities.AnyAsync(a => a.CallId == "mango:" + entry));
        Assert.False(await db.Leads.AnyAsync(l => l.PhoneNormalized == "79990000071"));
    }

    [Fact]
    public async Task AKnownClientsAnsweredCallIsOneActivityOnTheirDealHoweverOftenItIsDelivered()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm");
        var entry = "ans-" + Guid.NewGuid().ToString("N");
        var json = Summary(entry, 1, Phone.Normalize(phone)!, null, "74951000000", "105", talked: true);
        var first = await PostAsync("events/summary", json);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/summary", json)).StatusCode); // redelivered
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/events/summary/", json)).StatusCode);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var call = Assert.Single(await db.Activities.AsNoTracking().Where(a => a.CallId == "mango:" + entry).ToListAsync());
        Assert.Equal(dealId, call.DealId);
        Assert.False(call.IsMissed);
        Assert.Equal(3, call.DurationMinutes); // 180 s of talk
        Assert.Equal(await db.Managers.Where(m => m.Extension == "105").Select(m => m.Id).SingleAsync(), call.AuthorId);
    }

    [Fact]
    public async Task AnUnansweredInboundCallFromAStrangerIsAMissedCallOfANewLeadAndAnInternalCallIsIgnored()
    {
        var number = "7999" + Random.Shared.Next(1_000_000, 9_999_999);
        var entry = "miss-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/summary", Summary(entry, 1, number, null, "74951000000", null, talked: false))).StatusCode);
        var inside = "int-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/summary", Summary(inside, 0, "sip:a@x", "101", "sip:b@x", "105", talked: true))).StatusCode);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var call = Assert.Single(await db.Activities.AsNoTracking().Where(a => a.CallId == "mango:" + entry).ToListAsync());
        Assert.True(call.IsMissed);
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == call.LeadId);
        Assert.Equal(number, lead.PhoneNormalized);
        Assert.Null(lead.FirstContactAt);
        Assert.False(await db.Activities.AnyAsync(a => a.CallId == "mango:" + inside));
    }

    [Fact]
    public async Task AMissedCallOfAClientAsksTheirOwnerToCallBackWithinTheResponseTargetOnceHoweverOftenTheyTry()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m2@demo.salescrm");
        var number = Phone.Normalize(phone)!;
        var first = Summary("cb1-" + Guid.NewGuid().ToString("N"), 1, number, null, "74951000000", "105", talked: false);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/summary", first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("events/summary", Summary("cb2-" + Guid.NewGuid().ToString("N"), 1, number, null, "74951000000", "105", talked: false))).StatusCode);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var owner = await db.Deals.Where(d => d.Id == dealId).Select(d => d.OwnerId).SingleAsync();
        var task = Assert.Single(await db.Tasks.AsNoTracking()
            .Where(t => t.Kind == SalesCrm.Domain.Tasks.TaskKind.Callback && t.Title == "Перезвонить: +" + number).ToListAsync());
        Assert.Equal(owner, task.AssigneeId); // the deal's owner, not the extension that rang
        Assert.Equal(dealId, task.DealId);
        var called = DateTimeOffset.FromUnixTimeSeconds(JsonDocument.Parse(first).RootElement.GetProperty("create_time").GetInt64()).UtcDateTime;
        Assert.Equal(called.AddMinutes(10), task.DueAt, TimeSpan.FromSeconds(1)); // the response target from the call
        Assert.Equal(2, await db.Activities.CountAsync(a => a.DealId == dealId && a.IsMissed && a.CallId!.StartsWith("mango:cb")));
    }

    [Fact]
    public async Task AMalformedSummaryIs400AndRecordsNothing()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("events/summary", "{\"entry_id\": \"x\", ")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("events/summary", "[1,2]")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync("events/summary", "{\"entry_id\":\"" + new string('x', 70_000) + "\"}")).StatusCode);
        var entry = "bad-" + Guid.NewGuid().ToString("N");
        var future = JsonSerializer.Serialize(new
        {
            entry_id = entry, call_direction = 1, from = new { number = "79990000072" }, to = new { extension = "105" },
            create_time = Unix(DateTime.UtcNow.AddDays(3)), talk_time = 0, end_time = Unix(DateTime.UtcNow.AddDays(3)),
        });
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("events/summary", future)).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Activities.AnyAsync(a => a.CallId == "mango:" + entry));
        Assert.False(await db.Leads.AnyAsync(l => l.PhoneNormalized == "79990000072"));
    }
}
