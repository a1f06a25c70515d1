using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>POST /api/telephony/events through the app in memory: signatures, idempotency, phone matching, unknown callers.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class TelephonyEvents(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private const string Secret = "demo-telephony-secret";

    private static object Call(string callId, string ev, string direction, string from, string to, string extension = "105", int seconds = 95,
        string? recording = "https://pbx.example.ru/rec/1.mp3") => new
    {
        callId, @event = ev, direction, from, to, extension, startedAt = DateTime.UtcNow.AddMinutes(-3), answeredAt = ev == "missed" ? (DateTime?)null : DateTime.UtcNow.AddMinutes(-3),
        endedAt = DateTime.UtcNow.AddMinutes(-1), durationSeconds = ev == "missed" ? 0 : seconds, recordingUrl = ev == "missed" ? null : recording,
    };

    private async Task<HttpResponseMessage> SendAsync(object body, string? secret = Secret, string? signature = null)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, TelephonyApi.Path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null || secret is not null) request.Headers.Add(TelephonyApi.SignatureHeader, signature ?? "sha256=" + TelephonyApi.Sign(secret!, bytes));
        return await app.NewClient().SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task AWrongOrMissingSignatureIs401AndChangesNothing()
    {
        var body = Call("sig-" + Guid.NewGuid(), "ended", "inbound", "+7 999 000-00-01", "+7 495 000-00-00");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(body, secret: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(body, secret: "wrong-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(body, signature: "sha256=00")).StatusCode);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        Assert.False(await db.Leads.AnyAsync(l => l.PhoneNormalized == "79990000001"));
    }

    [Fact]
    public async Task AfterARotationTheNewSecretAndForADayTheOldOneAreAccepted()
    {
        var fresh = SalesCrm.Domain.Integrations.IntegrationSecret.NewSecret();
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var stored = await db.IntegrationSecrets.SingleAsync(x => x.Kind == SalesCrm.Domain.Integrations.IntegrationKind.Telephony);
            stored.Rotate(fresh, null, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }
        app.Services.GetRequiredService<SalesCrm.Data.Integrations.IntegrationSecretVerifier>().Forget();
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Call("rot-" + Guid.NewGuid(), "started", "inbound", "+7 999 000-00-02", "+7 495 000-00-00"), secret: fresh)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Call("rot-" + Guid.NewGuid(), "started", "inbound", "+7 999 000-00-02", "+7 495 000-00-00"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await SendAsync(Call("rot-" + Guid.NewGuid(), "started", "inbound", "+7 999 000-00-02", "+7 495 000-00-00"), secret: "an-unrelated-secret-value")).StatusCode);
    }

    [Fact]
    public async Task AKnownClientsCallLandsOnTheirOpenDealOnceWithTheRecording()
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var contact = await db.Contacts.AsNoTracking().Where(c => c.PhoneNormalized != null
                && db.Deals.Any(d => d.ClientId == c.ClientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost))
            .OrderBy(c => c.Id).Select(c => new { c.ClientId, c.Phone, c.PhoneNormalized }).FirstAsync();
        var callId = "call-" + Guid.NewGuid();
        var started = await SendAsync(Call(callId, "started", "inbound", contact.Phone!, "+7 495 100-00-00"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("acknowledged", (await JsonAsync(started)).GetProperty("status").GetString());

        var ended = await SendAsync(Call(callId, "ended", "inbound", contact.Phone!, "+7 495 100-00-00"));
        Assert.Equal(HttpStatusCode.Accepted, ended.StatusCode);
        var json = await JsonAsync(ended);
        Assert.Equal("recorded", json.GetProperty("status").GetString());
        Assert.Equal(contact.ClientId, json.GetProperty("clientId").GetInt32());
        var dealId = json.GetProperty("dealId").GetInt32();

        var again = await SendAsync(Call(callId, "ended", "inbound", contact.Phone!, "+7 495 100-00-00"));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("duplicate", (await JsonAsync(again)).GetProperty("status").GetString());

        var calls = await db.Activities.AsNoTracking().Where(a => a.CallId == callId).ToListAsync();
        var call = Assert.Single(calls);
        Assert.Equal(dealId, call.DealId);
        Assert.Equal("https://pbx.example.ru/rec/1.mp3", call.RecordingUrl);
        Assert.Equal(2, call.DurationMinutes);
        Assert.Equal(await db.Managers.Where(m => m.Extension == "105").Select(m => m.Id).SingleAsync(), call.AuthorId);
        Assert.Equal(contact.ClientId, await db.Deals.Where(d => d.Id == dealId).Select(d => d.ClientId).SingleAsync());
    }

    [Fact]
    public async Task AnUnknownCallerBecomesALeadAndAMissedCallIsCounted()
    {
        var phone = "+7 999 " + Random.Shared.Next(100, 999) + "-" + Random.Shared.Next(10, 99) + "-" + Random.Shared.Next(10, 99);
        var response = await SendAsync(Call("new-" + Guid.NewGuid(), "missed", "inbound", phone, "+7 495 100-00-00", extension: ""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("newLead").GetBoolean());
        var leadId = json.GetProperty("leadId").GetInt32();
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId);
        Assert.Equal(LeadChannel.Phone, lead.Channel);
        Assert.Equal(Phone.Normalize(phone), lead.PhoneNormalized);
        Assert.Null(lead.FirstContactAt); // a missed call is not a contact
        Assert.True(await db.Activities.AnyAsync(a => a.LeadId == leadId && a.IsMissed));

        // The manager calls back: the answered call is the lead's first contact.
        var back = await SendAsync(Call("back-" + Guid.NewGuid(), "ended", "outbound", "+7 495 100-00-00", phone, extension: "105"));
        Assert.Equal(leadId, (await JsonAsync(back)).GetProperty("leadId").GetInt32());
        Assert.NotNull(await db.Leads.Where(l => l.Id == leadId).Select(l => l.FirstContactAt).SingleAsync());
    }

    [Fact]
    public async Task BadEventsAre400WithFieldMessages()
    {
        var response = await SendAsync(new { callId = "", @event = "rang", direction = "sideways", durationSeconds = -5, recordingUrl = "ftp://x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "callId", "event", "direction", "durationSeconds", "recordingUrl" })
            Assert.True(errors.TryGetProperty(field, out _), field);
    }
}
