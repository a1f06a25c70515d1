using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Zadarma's notifications through the app in memory, written from its API documentation (docs/integrations.md) and signed as
/// the PBX signs them: Base64 of the hex HMAC-SHA1 of the event's signed fields under the API secret.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ZadarmaEvents : IClassFixture<CrmAppFactory>
{
    private const string Key = "zadarma-key-a1b2c3";
    private const string Secret = "zadarma-secret-0f1e2d3c4b";
    private readonly CrmAppFactory app;

    public ZadarmaEvents(CrmAppFactory app)
    {
        this.app = app;
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.Zadarma, Key, Secret, TimeProvider.System);
        app.Services.GetRequiredService<IntegrationSecretVerifier>().Forget();
    }

    /// <summary>call_start as the PBX writes it: the account's local time (Moscow here), without a zone.</summary>
    private static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("yyyy-MM-dd HH:mm:ss");

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> fields, string? secret = Secret, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ZadarmaApi.Path) { Content = new FormUrlEncodedContent(fields) };
        if (signature is not null || secret is not null) request.Headers.Add("Signature", signature ?? Zadarma.Sign(fields, secret!));
        return await app.NewClient().SendAsync(request);
    }

    private static Dictionary<string, string> End(string callId, string caller, string disposition, int seconds, DateTime startedUtc, string? internalNumber = "105") =>
        new()
        {
            ["event"] = "NOTIFY_END", ["call_start"] = Local(startedUtc), ["pbx_call_id"] = callId, ["caller_id"] = caller, ["called_did"] = "74951000000",
            ["internal"] = internalNumber ?? "", ["duration"] = seconds.ToString(), ["disposition"] = disposition, ["status_code"] = "16",
            ["is_recorded"] = "0", ["call_id_with_rec"] = "",
        };

    [Fact]
    public async Task TheAddressCheckIsEchoed()
    {
        var response = await app.NewClient().GetAsync(ZadarmaApi.Path + "?zd_echo=c2VjcmV0LWNoZWNr");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("c2VjcmV0LWNoZWNr", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.NewClient().GetAsync(ZadarmaApi.Path)).StatusCode);
    }

    [Fact]
    public async Task AnUnsignedOrWronglySignedNotificationIs401AndRecordsNothing()
    {
        var callId = "in_" + Guid.NewGuid().ToString("N");
        var fields = End(callId, "+79990000081", "answered", 120, DateTime.UtcNow.AddMinutes(-3));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(fields, secret: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(fields, secret: "another-secret-entirely")).StatusCode);
        // A base64 of the raw digest (not of its hex) is not Zadarma's signature.
        var raw = Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Secret),
            System.Text.Encoding.UTF8.GetBytes(fields["caller_id"] + fields["called_did"] + fields["call_start"])));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(fields, signature: raw)).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Activities.AnyAsync(a => a.CallId == "zadarma:" + callId));
        Assert.False(await db.Leads.AnyAsync(l => l.PhoneNormalized == "79990000081"));
    }

    [Fact]
    public async Task AnAnsweredCallOfAKnownClientIsOneActivityOnTheirDealDatedFromTheAccountsLocalTime()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm");
        var callId = "in_" + Guid.NewGuid().ToString("N");
        var started = DateTime.UtcNow.AddMinutes(-4);
        var fields = End(callId, "+" + Phone.Normalize(phone), "answered", 150, started);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(new()
        {
            ["event"] = "NOTIFY_START", ["call_start"] = fields["call_start"], ["pbx_call_id"] = callId, ["caller_id"] = fields["caller_id"], ["called_did"] = "74951000000",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fields)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(fields)).StatusCode); // delivered again

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var call = Assert.Single(await db.Activities.AsNoTracking().Where(a => a.CallId == "zadarma:" + callId).ToListAsync());
        Assert.Equal(dealId, call.DealId);
        Assert.False(call.IsMissed);
        Assert.Equal(3, call.DurationMinutes);
        Assert.Equal(started, call.OccurredAt, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AMissedCallFromAStrangerIsANewLeadToCallBackAndAnOutgoingAnsweredCallIsItsFirstContact()
    {
        var number = "7999" + Random.Shared.Next(1_000_000, 9_999_999);
        var missed = "in_" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(End(missed, number, "no answer", 0, DateTime.UtcNow.AddMinutes(-2), internalNumber: null))).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var call = await db.Activities.AsNoTracking().SingleAsync(a => a.CallId == "zadarma:" + missed);
        Assert.True(call.IsMissed);
        Assert.True(await db.Tasks.AnyAsync(t => t.Kind == SalesCrm.Domain.Tasks.TaskKind.Callback && t.Title == "Перезвонить: +" + number));

        var back = "out_" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(new()
        {
            ["event"] = "NOTIFY_OUT_END", ["call_start"] = Local(DateTime.UtcNow.AddMinutes(-1)), ["pbx_call_id"] = back, ["caller_id"] = "0", ["internal"] = "105",
            ["destination"] = "+" + number, ["duration"] = "45", ["disposition"] = "answered", ["status_code"] = "16", ["is_recorded"] = "1",
            ["call_id_with_rec"] = "1585913205.75283",
        })).StatusCode);
        Assert.NotNull(await db.Leads.Where(l => l.Id == call.LeadId).Select(l => l.FirstContactAt).SingleAsync());
    }

    [Fact]
    public async Task ABrokenNotificationIs400AndRecordsNothing()
    {
        var callId = "in_" + Guid.NewGuid().ToString("N");
        var fields = End(callId, "+79990000082", "answered", 60, DateTime.UtcNow);
        fields["call_start"] = "07.12.2026 10:00";
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(fields)).StatusCode);
        var future = End("in_" + Guid.NewGuid().ToString("N"), "+79990000082", "answered", 60, DateTime.UtcNow.AddDays(3));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(future)).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Leads.AnyAsync(l => l.PhoneNormalized == "79990000082"));
    }
}
