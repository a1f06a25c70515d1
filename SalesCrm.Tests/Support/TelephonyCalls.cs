using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Support;

/// <summary>Signed calls posted to a running app's telephony API, as the PBX does, for tests that need a live change from outside.</summary>
public static class TelephonyCalls
{
    /// <summary>
    /// An open deal of <paramref name="ownerEmail"/> whose client has a contact phone nobody else has and no other open deal,
    /// so a call from that phone lands on exactly this deal.
    /// </summary>
    public static async Task<(int DealId, string Phone)> DealWithPhoneAsync(string connectionString, string ownerEmail, int skip = 0)
    {
        await using var db = TestDatabase.CreateContext(connectionString);
        var owner = await db.Managers.Where(m => m.Email == ownerEmail).Select(m => m.Id).SingleAsync();
        var pick = await db.Contacts.AsNoTracking()
            .Where(c => c.PhoneNormalized != null
                        && db.Deals.Count(d => d.ClientId == c.ClientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost) == 1
                        && db.Deals.Any(d => d.ClientId == c.ClientId && d.OwnerId == owner && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
                        && !db.Contacts.Any(o => o.PhoneNormalized == c.PhoneNormalized && o.Id != c.Id))
            .OrderBy(c => c.Id)
            .Select(c => new { c.Phone, Deal = db.Deals.Where(d => d.ClientId == c.ClientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost).Select(d => d.Id).First() })
            .Skip(skip).FirstAsync();
        return (pick.Deal, pick.Phone!);
    }

    /// <summary>Posts a finished inbound call from <paramref name="phone"/> signed with the demo secret; returns the deal it landed on.</summary>
    public static async Task<int?> PostAsync(string baseUrl, string phone, string recordingUrl)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            callId = "e2e-" + Guid.NewGuid(), @event = "ended", direction = "inbound", from = phone, to = "+7 495 100-00-00", extension = "105",
            startedAt = RunningApp.Clock.GetUtcNow().UtcDateTime.AddMinutes(-4), answeredAt = RunningApp.Clock.GetUtcNow().UtcDateTime.AddMinutes(-4), endedAt = RunningApp.Clock.GetUtcNow().UtcDateTime.AddMinutes(-1),
            durationSeconds = 180, recordingUrl,
        });
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, TelephonyApi.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(TelephonyApi.SignatureHeader, "sha256=" + TelephonyApi.Sign("demo-telephony-secret", body));
        var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"The call was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("dealId", out var deal)
               && deal.ValueKind == JsonValueKind.Number ? deal.GetInt32() : null;
    }
}
