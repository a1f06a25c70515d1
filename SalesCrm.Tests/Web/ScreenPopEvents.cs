using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Api;
using SalesCrm.Web.Live;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The screen-pop through the app in memory: Mango Office's leg events (<c>events/call</c>) and Zadarma's notifications
/// (<c>NOTIFY_INTERNAL</c>, <c>NOTIFY_ANSWER</c>, <c>NOTIFY_END</c>), written from their documentation and signed as the PBXs
/// sign them, reach the live topic of the employee whose extension rings — and nobody else's; the employee's page then learns
/// who calls, within what that employee may see.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ScreenPopEvents : IClassFixture<CrmAppFactory>
{
    private const string MangoKey = "vpbx-pop-key";
    private const string MangoSalt = "mango-pop-salt-a1b2c3";
    private const string ZadarmaKey = "zadarma-pop-key";
    private const string ZadarmaSecret = "zadarma-pop-secret-d4e5f6";
    private readonly CrmAppFactory app;

    public ScreenPopEvents(CrmAppFactory app)
    {
        this.app = app;
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.MangoOffice, MangoKey, MangoSalt, TimeProvider.System);
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.Zadarma, ZadarmaKey, ZadarmaSecret, TimeProvider.System);
        app.Services.GetRequiredService<IntegrationSecretVerifier>().Forget();
    }

    /// <summary>What reaches an employee's screen-pop topic.</summary>
    private sealed class Listener : IDisposable
    {
        private readonly IDisposable _subscription;
        public BlockingCollection<LiveCall> Calls { get; } = [];

        public Listener(LiveNotifier live, int managerId) =>
            _subscription = live.Subscribe(LiveNotifier.Calls(managerId), e =>
            {
                if (e.Call is { } call) Calls.Add(call);
                return Task.CompletedTask;
            });

        /// <summary>The next call event; delivery is started, not awaited, after the PBX's request is answered.</summary>
        public LiveCall Next() => Calls.TryTake(out var call, TimeSpan.FromSeconds(30)) ? call : throw new TimeoutException("No call event arrived.");

        public void Dispose() => _subscription.Dispose();
    }

    private async Task<(int Id, string Extension)> ManagerAsync(string email)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var m = await db.Managers.Where(m => m.Email == email).Select(m => new { m.Id, m.Extension }).SingleAsync();
        return (m.Id, m.Extension!);
    }

    private async Task<HttpStatusCode> MangoAsync(object body, string? sign = null)
    {
        var json = JsonSerializer.Serialize(body);
        var response = await app.NewClient().PostAsync(MangoOfficeApi.Prefix + "/events/call", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["vpbx_api_key"] = MangoKey, ["json"] = json, ["sign"] = sign ?? MangoOffice.Sign(MangoKey, json, MangoSalt),
        }));
        return response.StatusCode;
    }

    /// <summary>A leg of an <c>events/call</c> as the documentation shows it: the call from outside at an employee's extension.</summary>
    private static object Leg(string entry, int seq, string state, string from, string toExtension) => new
    {
        entry_id = entry, call_id = entry + "-leg", timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), seq, call_state = state,
        location = "abonent", from = new { number = from }, to = new { extension = toExtension, number = "sip:" + toExtension + "@demo.mangosip.ru", line_number = "74951000000" },
        disconnect_reason = state == "Disconnected" ? 1110 : 0,
    };

    private async Task<HttpStatusCode> ZadarmaAsync(Dictionary<string, string> fields, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ZadarmaApi.Path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Signature", signature ?? Zadarma.Sign(fields, ZadarmaSecret));
        return (await app.NewClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task MangoLegsOfACallFromOutsideReachOnlyTheEmployeeWhoseExtensionRings()
    {
        var (m1, extension) = await ManagerAsync("m1@demo.salescrm");
        var (m2, _) = await ManagerAsync("m2@demo.salescrm");
        var live = app.Services.GetRequiredService<LiveNotifier>();
        using var mine = new Listener(live, m1);
        using var colleague = new Listener(live, m2);
        var entry = "pop-" + Guid.NewGuid().ToString("N");

        Assert.Equal(HttpStatusCode.OK, await MangoAsync(Leg(entry, 1, "Appeared", "74991102914", extension)));
        Assert.Equal(new LiveCall("mango:" + entry, "74991102914", CallLegState.Ringing), mine.Next());
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(Leg(entry, 2, "Connected", "74991102914", extension)));
        Assert.Equal(CallLegState.Talking, mine.Next().State);
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(Leg(entry, 3, "Disconnected", "74991102914", extension)));
        Assert.Equal(CallLegState.Ended, mine.Next().State);

        // Wrongly signed: 401, nobody told. The employee's own outgoing call and a leg in the voice menu pop nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await MangoAsync(Leg(entry + "x", 1, "Appeared", "74991102914", extension), sign: "0badc0de"));
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(new
        {
            entry_id = entry + "-out", call_id = "o1", seq = 1, call_state = "Appeared", location = "abonent",
            from = new { extension, number = "sip:me@demo.mangosip.ru" }, to = new { number = "74991102914" },
        }));
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(new
        {
            entry_id = entry + "-ivr", call_id = "i1", seq = 1, call_state = "Appeared", location = "ivr", from = new { number = "74991102914" }, to = new { number = "74951000000" },
        }));
        // Malformed: 400 with the reason, nobody told.
        Assert.Equal(HttpStatusCode.BadRequest, await MangoAsync(new { call_id = "no-entry", call_state = "Appeared", to = new { extension } }));
        // A leg to an extension nobody has is acknowledged and goes nowhere.
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(Leg(entry + "-nobody", 1, "Appeared", "74991102914", "99999")));

        // The marker: a last event for m1, after everything above; nothing else arrived before it, and nothing for m2.
        Assert.Equal(HttpStatusCode.OK, await MangoAsync(Leg(entry + "-last", 1, "Appeared", "74991102915", extension)));
        Assert.Equal("mango:" + entry + "-last", mine.Next().CallId);
        Assert.Empty(mine.Calls);
        Assert.Empty(colleague.Calls);
    }

    [Fact]
    public async Task ZadarmaNotificationsRingAnswerAndEndAtTheExtension()
    {
        var (m1, extension) = await ManagerAsync("m1@demo.salescrm");
        using var mine = new Listener(app.Services.GetRequiredService<LiveNotifier>(), m1);
        var call = "in_" + Guid.NewGuid().ToString("N")[..12];
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddSeconds(-20), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("yyyy-MM-dd HH:mm:ss");

        Assert.Equal(HttpStatusCode.OK, await ZadarmaAsync(new()
        {
            ["event"] = "NOTIFY_INTERNAL", ["call_start"] = start, ["pbx_call_id"] = call, ["caller_id"] = "+79161234500", ["called_did"] = "74951000000",
            ["internal"] = extension,
        }));
        Assert.Equal(new LiveCall("zadarma:" + call, "79161234500", CallLegState.Ringing), mine.Next());
        Assert.Equal(HttpStatusCode.OK, await ZadarmaAsync(new()
        {
            ["event"] = "NOTIFY_ANSWER", ["caller_id"] = "+79161234500", ["destination"] = extension, ["call_start"] = start, ["pbx_call_id"] = call,
            ["internal"] = extension,
        }));
        Assert.Equal(CallLegState.Talking, mine.Next().State);
        // Unsigned: 401 and nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await ZadarmaAsync(new()
        {
            ["event"] = "NOTIFY_INTERNAL", ["call_start"] = start, ["pbx_call_id"] = call + "x", ["caller_id"] = "+79161234500", ["called_did"] = "74951000000",
            ["internal"] = extension,
        }, signature: "bm90IHNpZ25lZA=="));
        Assert.Equal(HttpStatusCode.OK, await ZadarmaAsync(new()
        {
            ["event"] = "NOTIFY_END", ["call_start"] = start, ["pbx_call_id"] = call, ["caller_id"] = "+79161234500", ["called_did"] = "74951000000",
            ["internal"] = extension, ["duration"] = "15", ["disposition"] = "answered", ["status_code"] = "16", ["is_recorded"] = "0",
        }));
        Assert.Equal(CallLegState.Ended, mine.Next().State);
        Assert.Empty(mine.Calls);
    }

    [Fact]
    public async Task TheCallerIsShownAsTheRingingEmployeeMaySeeThem()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(app.ConnectionString, "m1@demo.salescrm");
        await using var h = await ServiceHarness.CreateAsync(app.ConnectionString);
        string client, step;
        bool overdue;
        await using (var db = h.Db())
        {
            client = await db.Deals.Where(d => d.Id == dealId).Select(d => d.Client!.Name).SingleAsync();
            var owner = await db.Deals.Where(d => d.Id == dealId).Select(d => d.OwnerId).SingleAsync();
            var now = h.Time.GetUtcNow().UtcDateTime;
            // A next step the pop-up should show (the demo deal may have one already: the earliest open one is shown).
            db.Tasks.Add(new SalesCrm.Domain.Tasks.TaskItem(SalesCrm.Domain.Tasks.TaskKind.FollowUp, "Позвонить по условиям", owner, owner, now.AddMinutes(-30), dealId, null, null, now.AddDays(-1)));
            await db.SaveChangesAsync();
            var first = await SalesCrm.Data.Deals.NextSteps.OpenSteps(db.Tasks).Where(t => t.DealId == dealId).OrderBy(t => t.DueAt).FirstAsync();
            (step, overdue) = (first.Title, first.DueAt < now);
        }

        await h.User.SignInAsAsync("m1@demo.salescrm");
        var card = await h.Get<ScreenPopService>().CallerAsync(Phone.Normalize(phone)!);
        Assert.Equal(CallerKind.Client, card.Kind);
        Assert.Equal(client, card.Name);
        Assert.Equal(dealId, card.DealId);
        Assert.Equal($"/deals/{dealId}", card.Link);
        Assert.Equal(step, card.NextStep);
        Assert.Equal(overdue, card.NextStepOverdue);
        Assert.True(overdue); // ours is half an hour late, and it or an earlier one is shown
        Assert.NotNull(card.ContactName);

        // A manager of another team learns only whose client it is.
        await h.User.SignInAsAsync("m5@demo.salescrm");
        var hidden = await h.Get<ScreenPopService>().CallerAsync(phone);
        Assert.Equal(CallerKind.Colleagues, hidden.Kind);
        Assert.Null(hidden.Name);
        Assert.Null(hidden.DealId);
        Assert.Null(hidden.Link);

        Assert.Equal(CallerKind.Unknown, (await h.Get<ScreenPopService>().CallerAsync("+7 999 000-11-22")).Kind);
    }
}
