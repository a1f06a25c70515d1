using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;

namespace SalesCrm.Tests.Web;

/// <summary>
/// Recordings announced by Mango Office and Zadarma, in either order with their calls, played through the app from a stand-in
/// for the PBXs' APIs — a real HTTP server on 127.0.0.1 that checks the requests as the vendors document them.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class PbxRecordingsPlayback
{
    private const string MangoKey = "vpbx-rec-key";
    private const string MangoSalt = "mango-rec-salt-0123456789";
    private const string ZadarmaKey = "zadarma-rec-key";
    private const string ZadarmaSecret = "zadarma-rec-secret-987654";
    private static readonly byte[] MangoAudio = [0x49, 0x44, 0x33, 1, 2, 3, 4];
    private static readonly byte[] ZadarmaAudio = [0x49, 0x44, 0x33, 9, 8, 7];

    /// <summary>The PBXs' APIs as their documentation describes them: a signed form post redirected to the file; a signed GET answered with a link.</summary>
    private static async Task<WebApplication> StandInAsync()
    {
        var pbx = StandInServer.New();
        pbx.MapPost("/vpbx/queries/recording/post", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            var json = form["json"].ToString();
            if (form["vpbx_api_key"] != MangoKey || form["sign"] != MangoOffice.Sign(MangoKey, json, MangoSalt)) return Results.StatusCode(401);
            using var request = JsonDocument.Parse(json);
            return request.RootElement.GetProperty("action").GetString() == "download" && request.RootElement.GetProperty("recording_id").GetString() == "MToxMDA2OjUwMA=="
                ? Results.Redirect("/files/one-time.mp3")
                : Results.StatusCode(400);
        });
        pbx.MapGet("/files/one-time.mp3", () => Results.Bytes(MangoAudio, "audio/mp3"));
        pbx.MapGet("/v1/pbx/record/request/", (HttpContext c) =>
        {
            var query = c.Request.QueryString.Value!.TrimStart('?');
            var expected = $"{ZadarmaKey}:{Zadarma.ApiSignature("/v1/pbx/record/request/", query, ZadarmaSecret)}";
            if (c.Request.Headers.Authorization != expected) return Results.Json(new { status = "error", message = "Not authorized" }, statusCode: 401);
            return c.Request.Query["call_id"] == "1585913205.75283"
                ? Results.Json(new { status = "success", link = $"{c.Request.Scheme}://{c.Request.Host}/files/z.mp3", lifetime_till = "2026-12-07 12:00:00" })
                : Results.Json(new { status = "error", message = "Record not found" }, statusCode: 404);
        });
        pbx.MapGet("/files/z.mp3", () => Results.Bytes(ZadarmaAudio, "audio/mpeg"));
        await pbx.StartAsync();
        return pbx;
    }

    [Fact]
    public async Task ARecordingIsLinkedToItsCallInEitherOrderAndPlayedOnlyToWhoMaySeeTheCall()
    {
        await using var pbx = await StandInAsync();
        var url = pbx.Urls.First();
        await using var app = new CrmAppFactory
        {
            Settings = { ["Telephony:MangoOfficeApiUrl"] = url + "/vpbx/", ["Telephony:ZadarmaApiUrl"] = url },
        };
        await app.InitializeAsync();
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.MangoOffice, MangoKey, MangoSalt, TimeProvider.System);
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.Zadarma, ZadarmaKey, ZadarmaSecret, TimeProvider.System);
        var pbxClient = app.NewClient();
        var (mangoDeal, mangoPhone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm", skip: 0);
        var (zadarmaDeal, zadarmaPhone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm", skip: 1);

        // Mango Office: the call, then its recording.
        async Task MangoAsync(string path, object body)
        {
            var json = JsonSerializer.Serialize(body);
            var response = await pbxClient.PostAsync(MangoOfficeApi.Prefix + "/" + path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["vpbx_api_key"] = MangoKey, ["json"] = json, ["sign"] = MangoOffice.Sign(MangoKey, json, MangoSalt),
            }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await MangoAsync("events/summary", new
        {
            entry_id = "rec-entry-1", call_direction = 1, from = new { number = Phone.Normalize(mangoPhone) }, to = new { extension = "105" },
            create_time = now - 200, talk_time = now - 190, end_time = now - 10, entry_result = 1,
        });
        await MangoAsync("events/record/added", new { entry_id = "rec-entry-1", product_id = 300022532, user_id = -1, timestamp = now, recording_id = "MToxMDA2OjUwMA==" });

        // Zadarma: the recording first, then the end of the call.
        async Task ZadarmaAsync(Dictionary<string, string> fields)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ZadarmaApi.Path) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("Signature", Zadarma.Sign(fields, ZadarmaSecret));
            Assert.Equal(HttpStatusCode.OK, (await pbxClient.SendAsync(request)).StatusCode);
        }
        await ZadarmaAsync(new() { ["event"] = "NOTIFY_RECORD", ["pbx_call_id"] = "in_rec2", ["call_id_with_rec"] = "1585913205.75283" });
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddMinutes(-3), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("yyyy-MM-dd HH:mm:ss");
        await ZadarmaAsync(new()
        {
            ["event"] = "NOTIFY_END", ["call_start"] = start, ["pbx_call_id"] = "in_rec2", ["caller_id"] = "+" + Phone.Normalize(zadarmaPhone),
            ["called_did"] = "74951000000", ["internal"] = "105", ["duration"] = "61", ["disposition"] = "answered", ["status_code"] = "16",
            ["is_recorded"] = "1", ["call_id_with_rec"] = "1585913205.75283",
        });

        string mangoUrl, zadarmaUrl;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            mangoUrl = (await db.Activities.SingleAsync(a => a.CallId == "mango:rec-entry-1")).RecordingUrl!;
            zadarmaUrl = (await db.Activities.SingleAsync(a => a.CallId == "zadarma:in_rec2")).RecordingUrl!;
            Assert.Equal(mangoDeal, (await db.Activities.SingleAsync(a => a.CallId == "mango:rec-entry-1")).DealId);
            Assert.Equal(zadarmaDeal, (await db.Activities.SingleAsync(a => a.CallId == "zadarma:in_rec2")).DealId);
        }
        Assert.StartsWith("/recordings/", mangoUrl);
        Assert.StartsWith("/recordings/", zadarmaUrl);

        // Nobody signed in: no recording.
        Assert.NotEqual(HttpStatusCode.OK, (await app.NewClient().GetAsync(mangoUrl)).StatusCode);
        // The deal's owner plays both.
        var owner = app.NewClient();
        await CrmAppFactory.SignInAsync(owner, "m1@demo.salescrm");
        var played = await owner.GetAsync(mangoUrl);
        Assert.Equal(HttpStatusCode.OK, played.StatusCode);
        Assert.Equal(MangoAudio, await played.Content.ReadAsByteArrayAsync());
        Assert.Equal(ZadarmaAudio, await owner.GetByteArrayAsync(zadarmaUrl));
        // A manager of another team may not.
        var other = app.NewClient();
        await CrmAppFactory.SignInAsync(other, "m5@demo.salescrm");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(mangoUrl)).StatusCode);

        // The PBX down: a clear refusal, not an error page.
        await pbx.StopAsync();
        var down = await owner.GetAsync(zadarmaUrl);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Contains("недоступна", await down.Content.ReadAsStringAsync());
    }
}
