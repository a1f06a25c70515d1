using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// A signed call event for a demo client's phone appears in that deal's open timeline without a reload, with its recording; a
/// call from a client pops up on the screen of the manager whose extension rings, and the manager calls back from the card.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class TelephonyInBrowser(RunningApp app)
{
    [Fact]
    public async Task ASignedCallForAClientsPhoneAppearsLiveInTheDealsTimeline()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm");

        var page = await app.SignedInPageAsync("m1@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(page, $"/deals/{dealId}");
        var calls = page.Locator("[data-testid=timeline-item][data-kind=call]");
        var before = await calls.CountAsync();

        Assert.Equal(dealId, await TelephonyCalls.PostAsync(app.BaseUrl, phone, "https://pbx.example.ru/rec/e2e.mp3"));

        await Expect(calls).ToHaveCountAsync(before + 1);
        await Expect(page.Locator("audio[src='https://pbx.example.ru/rec/e2e.mp3']")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ACallFromAClientPopsUpLiveAndTheManagerCallsBackFromTheDealCard()
    {
        const string key = "vpbx-e2e-key", salt = "mango-e2e-salt-998877";
        // Mango Office's API, standing in on 127.0.0.1: it checks the signature and takes the call-back command.
        var commands = new ConcurrentQueue<JsonElement>();
        await using var pbx = StandInServer.New();
        pbx.MapPost("/vpbx/commands/callback", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            if (form["sign"] != MangoOffice.Sign(key, form["json"].ToString(), salt)) return Results.Json(new { result = 3102 }, statusCode: 401);
            commands.Enqueue(JsonDocument.Parse(form["json"].ToString()).RootElement.Clone());
            return Results.Json(new { result = 1000 });
        });
        await pbx.StartAsync();

        // The app with the PBX set up, on its own copy of the demo data.
        var connection = await TestDatabase.CopyAsync();
        PbxCredentials.Keep(connection, IntegrationKind.MangoOffice, key, salt, RunningApp.Clock);
        await using var own = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = connection, ["Telephony__MangoOfficeApiUrl"] = pbx.Urls.First() + "/vpbx/",
        });
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(connection, "m1@demo.salescrm");
        string extension, client;
        await using (var db = TestDatabase.CreateContext(connection))
        {
            extension = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Extension!).SingleAsync();
            client = await db.Deals.Where(d => d.Id == dealId).Select(d => d.Client!.Name).SingleAsync();
        }

        var page = await RunningApp.SignInAsync(app.Browser, own.BaseUrl, "m1@demo.salescrm", 1366, 768);
        await RunningApp.GotoInteractiveAsync(page, "/tasks");
        using var http = new HttpClient { BaseAddress = new Uri(own.BaseUrl) };
        var entry = "e2e-pop-" + Guid.NewGuid().ToString("N");
        async Task LegAsync(int seq, string state)
        {
            var json = JsonSerializer.Serialize(new
            {
                entry_id = entry, call_id = entry + "-1", timestamp = RunningApp.Clock.GetUtcNow().ToUnixTimeSeconds(), seq, call_state = state, location = "abonent",
                from = new { number = Phone.Normalize(phone) }, to = new { extension, number = "sip:m1@demo.mangosip.ru", line_number = "74951000000" },
            });
            var response = await http.PostAsync(MangoOfficeApi.Prefix + "/events/call", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["vpbx_api_key"] = key, ["json"] = json, ["sign"] = MangoOffice.Sign(key, json, salt),
            }));
            response.EnsureSuccessStatusCode();
        }

        // The phone rings: the pop-up shows the client and the open deal. (The page listens once its first render is done:
        // the ring is repeated until it shows, as a PBX repeats an event; a repeat changes nothing.)
        var pop = page.GetByTestId("screen-pop");
        for (var attempt = 0; await pop.CountAsync() == 0; attempt++)
        {
            Assert.True(attempt < 30, "The screen-pop did not appear.");
            await LegAsync(1, "Appeared");
            await page.WaitForTimeoutAsync(500);
        }
        await Expect(pop).ToHaveAttributeAsync("data-state", "Ringing");
        await Expect(pop).ToHaveAttributeAsync("data-kind", "Client");
        await Expect(pop).ToContainTextAsync(client);
        await Expect(pop.GetByTestId("screen-pop-open")).ToHaveAttributeAsync("href", $"/deals/{dealId}");
        await LegAsync(2, "Connected");
        await Expect(pop).ToHaveAttributeAsync("data-state", "Talking");
        await LegAsync(1, "Appeared"); // delivered late: the call does not go back to ringing
        await Expect(pop).ToHaveAttributeAsync("data-state", "Talking");

        // One click to the deal's card; from there the manager calls the client back through the PBX.
        await pop.GetByTestId("screen-pop-open").ClickAsync();
        await RunningApp.ExpectPathAsync(page, $"/deals/{dealId}");
        await Expect(page.GetByTestId("screen-pop")).ToHaveCountAsync(0);
        var number = page.GetByTestId("deal-phones").GetByTestId("phone-number").Filter(new() { HasText = phone });
        await number.GetByTestId("call-phone").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"звонит на ваш добавочный {extension}");
        var command = Assert.Single(commands);
        Assert.Equal(extension, command.GetProperty("from").GetProperty("extension").GetString());
        Assert.Equal(Phone.Normalize(phone), command.GetProperty("to_number").GetString());
        await page.Context.CloseAsync();
    }
}
