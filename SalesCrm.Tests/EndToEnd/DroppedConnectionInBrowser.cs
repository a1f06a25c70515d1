using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// A manager's connection drops while a deal card is open with a half-typed activity, and a call for that deal arrives
/// meanwhile. The app keeps a dropped circuit for <c>Circuits:DisconnectedRetentionSeconds</c> (180 s by default; 8 s
/// here, so that "shorter" and "longer" than it fit in a test): a drop shorter than that (a 30-second Wi-Fi gap) resumes
/// the very same page — the open dialog and the typed text are there, the call that came meanwhile is shown, the save
/// lands; a longer one (4 minutes) brings the page back by itself as a fresh page with the current data and live updates
/// (.NET 10 resumes the evicted circuit in place; where that fails the reconnect dialog reloads the page once the server
/// answers), the unsaved text is gone and nothing half-written reached the database. The line is cut on the wire by a proxy.
/// </summary>
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class DroppedConnectionInBrowser : IAsyncLifetime
{
    private const int RetentionSeconds = 8;
    private AppProcess _app = default!;
    private CuttableProxy _proxy = default!;
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;
    private string _connection = "";

    public async ValueTask InitializeAsync()
    {
        _connection = await TestDatabase.CopyAsync();
        _app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = _connection,
            ["Circuits__DisconnectedRetentionSeconds"] = RetentionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _proxy = new CuttableProxy(_app.BaseUrl);
        _playwright = await Playwright.CreateAsync();
        _browser = await RunningApp.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    private ILocator Reconnecting(IPage page) => page.Locator("dialog#components-reconnect-modal[open]");

    /// <summary>The deal card with the activity dialog open and <paramref name="text"/> typed — and received by the server.</summary>
    private static async Task<ILocator> TypeUnsavedActivityAsync(IPage page, int dealId, string text)
    {
        await RunningApp.GotoInteractiveAsync(page, $"/deals/{dealId}");
        await page.GetByTestId("add-activity").ClickAsync();
        var comment = page.Locator("[data-testid=activity-comment] textarea, textarea[data-testid=activity-comment]").First;
        await comment.FillAsync(text);
        await comment.PressAsync("Tab");
        // The counter is rendered by the server from the bound value: once it shows the length, the circuit holds the text.
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync($"{text.Length} / 4000");
        return comment;
    }

    private async Task<int> ActivitiesWithAsync(string comment)
    {
        await using var db = TestDatabase.CreateContext(_connection);
        return await db.Activities.CountAsync(a => a.Comment == comment);
    }

    [Fact]
    public async Task ADropShorterThanTheRetentionResumesTheSamePageWithWhatHappenedMeanwhile()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(_connection, "m1@demo.salescrm");
        var page = await RunningApp.SignInAsync(_browser, _proxy.BaseUrl, "m1@demo.salescrm");
        const string text = "Обсудили филиалы в Казани — перезвонить ЛПР";
        var comment = await TypeUnsavedActivityAsync(page, dealId, text);
        var calls = page.Locator("[data-testid=timeline-item][data-kind=call]");
        var callsBefore = await calls.CountAsync();

        _proxy.Cut();
        await Expect(Reconnecting(page)).ToHaveCountAsync(1);
        Assert.Equal(dealId, await TelephonyCalls.PostAsync(_app.BaseUrl, phone, "https://pbx.example.ru/rec/drop-short.mp3"));
        _proxy.Restore();

        await Expect(Reconnecting(page)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        // The same circuit: the dialog is still open with the typed text, and the call that came during the drop is shown.
        await Expect(comment).ToHaveValueAsync(text);
        await Expect(calls).ToHaveCountAsync(callsBefore + 1);
        await page.Locator(".mud-dialog").GetByTestId("dialog-save").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        Assert.Equal(1, await ActivitiesWithAsync(text));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ADropLongerThanTheRetentionBringsTheCurrentPageBackByItselfAndWritesNothingHalfDone()
    {
        var (dealId, phone) = await TelephonyCalls.DealWithPhoneAsync(_connection, "m1@demo.salescrm", skip: 1);
        var page = await RunningApp.SignInAsync(_browser, _proxy.BaseUrl, "m1@demo.salescrm");
        const string text = "Черновик, который не сохранили до обрыва";
        await TypeUnsavedActivityAsync(page, dealId, text);
        var calls = page.Locator("[data-testid=timeline-item][data-kind=call]");
        var callsBefore = await calls.CountAsync();

        _proxy.Cut();
        await Expect(Reconnecting(page)).ToHaveCountAsync(1);
        Assert.Equal(dealId, await TelephonyCalls.PostAsync(_app.BaseUrl, phone, "https://pbx.example.ru/rec/drop-long-1.mp3"));
        // Longer than the server keeps a dropped circuit.
        await Task.Delay(TimeSpan.FromSeconds(RetentionSeconds + 4));
        _proxy.Restore();

        // Nobody touches the page: it comes back by itself, on the same address, interactive, with the current data.
        await Expect(Reconnecting(page)).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await page.GetByTestId("app-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        Assert.EndsWith($"/deals/{dealId}", page.Url);
        await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Expect(calls).ToHaveCountAsync(callsBefore + 1);
        Assert.Equal(0, await ActivitiesWithAsync(text));

        // And it is live again: the next call appears without a reload.
        Assert.Equal(dealId, await TelephonyCalls.PostAsync(_app.BaseUrl, phone, "https://pbx.example.ru/rec/drop-long-2.mp3"));
        await Expect(calls).ToHaveCountAsync(callsBefore + 2);
        await page.Context.CloseAsync();
    }
}
