using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>A signed call event for a demo client's phone appears in that deal's open timeline without a reload, with its recording.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TelephonyInBrowser(RunningApp app)
{
    [Fact]
    public async Task ASignedCallForAClientsPhoneAppearsLiveInTheDealsTimeline()
    {
        int dealId;
        string phone;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var m1 = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync();
            var pick = await db.Contacts.AsNoTracking()
                .Where(c => c.PhoneNormalized != null
                            && db.Deals.Count(d => d.ClientId == c.ClientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost) == 1
                            && db.Deals.Any(d => d.ClientId == c.ClientId && d.OwnerId == m1 && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
                            && !db.Contacts.Any(o => o.PhoneNormalized == c.PhoneNormalized && o.Id != c.Id))
                .OrderBy(c => c.Id)
                .Select(c => new { c.Phone, Deal = db.Deals.Where(d => d.ClientId == c.ClientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost).Select(d => d.Id).First() })
                .FirstAsync();
            (dealId, phone) = (pick.Deal, pick.Phone!);
        }

        var page = await app.SignedInPageAsync("m1@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(page, $"/deals/{dealId}");
        var calls = page.Locator("[data-testid=timeline-item][data-kind=call]");
        var before = await calls.CountAsync();

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            callId = "e2e-" + Guid.NewGuid(), @event = "ended", direction = "inbound", from = phone, to = "+7 495 100-00-00", extension = "105",
            startedAt = DateTime.UtcNow.AddMinutes(-4), answeredAt = DateTime.UtcNow.AddMinutes(-4), endedAt = DateTime.UtcNow.AddMinutes(-1),
            durationSeconds = 180, recordingUrl = "https://pbx.example.ru/rec/e2e.mp3",
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, TelephonyApi.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(TelephonyApi.SignatureHeader, "sha256=" + TelephonyApi.Sign("demo-telephony-secret", body));
        var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(dealId, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("dealId").GetInt32());

        await Expect(calls).ToHaveCountAsync(before + 1);
        await Expect(page.Locator("audio[src='https://pbx.example.ru/rec/e2e.mp3']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }
}
