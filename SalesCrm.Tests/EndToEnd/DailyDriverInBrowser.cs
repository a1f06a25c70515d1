using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The daily driver in the browser: «Мой день» is the home page; a meeting planned from a deal's card arrives in the
/// manager's calendar open in another tab without reloading and leaves as an .ics file; the premium and the close date are
/// edited in place on the board and in the deal grid, and a colleague's save in between is shown before anything is overwritten.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class DailyDriverInBrowser(RunningApp app)
{
    private const string Manager = "m6@demo.salescrm";

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"); // appsettings.json: Crm:TimeZone

    [Fact]
    public async Task AMeetingPlannedOnADealArrivesInTheOpenCalendarAndLeavesAsIcs()
    {
        var dealId = await app.DealAtAsync(Manager, StageCode.NeedsAnalysis);
        var tomorrow = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(RunningApp.Clock.GetUtcNow().UtcDateTime, Zone)).AddDays(1);
        var subject = $"Осмотр склада {Guid.NewGuid():N}"[..24];

        var home = await app.SignedInPageAsync(Manager, 1366, 768);
        await RunningApp.GotoInteractiveAsync(home, "/");
        await Expect(home.GetByTestId("myday-today")).ToBeVisibleAsync();
        await Expect(home.GetByTestId("myday-leads")).ToBeVisibleAsync();

        var calendar = await app.SignedInPageAsync(Manager, 1920, 1080);
        await RunningApp.GotoInteractiveAsync(calendar, $"/calendar?date={tomorrow:yyyy-MM-dd}&view=day");

        await RunningApp.GotoInteractiveAsync(home, $"/deals/{dealId}");
        await home.GetByTestId("new-meeting").ClickAsync();
        await home.Locator("input[data-testid=new-task-title], [data-testid=new-task-title] input").First.FillAsync(subject);
        await home.Locator("input[data-testid=new-task-place], [data-testid=new-task-place] input").First.FillAsync("Склад клиента, Подольск");
        await home.GetByTestId("dialog-save").ClickAsync();
        await Expect(home.GetByTestId("dialog-save")).ToHaveCountAsync(0);

        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var meeting = await db.Tasks.SingleAsync(t => t.Title == subject);
        // The dialog's «tomorrow» is the app's: when midnight in Moscow passed since the calendar was opened, that is another day.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(meeting.DueAt, Zone));
        if (day != tomorrow) await RunningApp.GotoInteractiveAsync(calendar, $"/calendar?date={day:yyyy-MM-dd}&view=day");

        // Live: the calendar open in the other tab shows the meeting as a block, at 10:00, for an hour.
        var block = calendar.Locator($"[data-testid=calendar-item][data-kind=Meeting]", new() { HasText = subject });
        await Expect(block).ToBeVisibleAsync();
        await Expect(block).ToContainTextAsync("10:00");

        Assert.Equal((TaskKind.Meeting, dealId, 60), (meeting.Kind, meeting.DealId!.Value, meeting.DurationMinutes));

        var download = await calendar.RunAndWaitForDownloadAsync(() => calendar.GetByTestId("calendar-ics").ClickAsync());
        var ics = await File.ReadAllTextAsync(await download.PathAsync());
        var unfolded = ics.Replace("\r\n ", "");
        Assert.Contains($"UID:task-{meeting.Id}@salescrm", unfolded);
        Assert.Contains("SUMMARY:" + subject, unfolded);
        Assert.Contains("LOCATION:Склад клиента\\, Подольск", unfolded);
        Assert.Contains("DTSTART:" + meeting.DueAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), unfolded);
        await home.Context.CloseAsync();
        await calendar.Context.CloseAsync();
    }

    [Fact]
    public async Task ThePremiumAndTheCloseDateAreEditedInPlaceAndAColleaguesSaveIsShownFirst()
    {
        var dealId = await app.DealAtAsync(Manager, StageCode.Qualification);
        string client;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
            client = await db.Deals.Where(d => d.Id == dealId).Select(d => d.Client!.Name).SingleAsync();
        // Raised: lowering a premium takes a discount approval, as on the card.
        var raised = await PremiumAsync(dealId) / 100 * 100 + 1_000_050;
        var typed = (raised / 100).ToString("N0", CultureInfo.GetCultureInfo("ru-RU")) + ",50";

        // On the board: the premium typed on the card is the deal's premium.
        var page = await app.SignedInPageAsync(Manager, 1920, 1080);
        await RunningApp.GotoInteractiveAsync(page, $"/pipeline?q={Uri.EscapeDataString(client)}");
        var card = page.Locator($"[data-testid=kanban-card][data-deal-id='{dealId}']");
        await card.GetByTestId("inline-premium").ClickAsync();
        await card.GetByTestId("inline-premium-input").FillAsync(typed);
        await card.GetByTestId("inline-premium-input").PressAsync("Enter");
        await Expect(card.GetByTestId("inline-premium-input")).ToHaveCountAsync(0);
        Assert.Equal(raised, await PremiumAsync(dealId));

        // Not a sum: said on the card, nothing saved.
        await card.GetByTestId("inline-premium").ClickAsync();
        await card.GetByTestId("inline-premium-input").FillAsync("много");
        await card.GetByTestId("inline-premium-input").PressAsync("Enter");
        await Expect(card.GetByTestId("inline-error")).ToBeVisibleAsync();
        await card.GetByTestId("inline-premium-input").PressAsync("Escape");
        Assert.Equal(raised, await PremiumAsync(dealId));

        // In the grid: a colleague changes the deal after the grid was read; the close date typed in the row shows their
        // change first, and applying it again saves over it.
        await RunningApp.GotoInteractiveAsync(page, $"/deals?q={Uri.EscapeDataString(client)}");
        var row = page.Locator($"tr:has([data-testid=deal-row][data-deal-id='{dealId}'])");
        await Expect(row).ToBeVisibleAsync();
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var deal = await db.Deals.SingleAsync(d => d.Id == dealId);
            deal.UpdateTerms(new SalesCrm.Domain.Common.Money(raised + 1_000_000), deal.ExpectedCloseDate, RunningApp.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        }
        var close = DateOnly.FromDateTime(RunningApp.Clock.GetUtcNow().UtcDateTime).AddDays(45);
        await row.GetByTestId("inline-close").ClickAsync();
        await row.GetByTestId("inline-close-input").FillAsync(close.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await row.GetByTestId("inline-close-input").PressAsync("Enter");
        await Expect(page.GetByTestId("concurrency-conflict")).ToBeVisibleAsync();
        await page.GetByTestId("conflict-reapply").ClickAsync();
        await Expect(row.GetByTestId("inline-close")).ToContainTextAsync(close.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture));
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var saved = await db.Deals.SingleAsync(d => d.Id == dealId);
            Assert.Equal((close.ToDateTime(TimeOnly.MinValue), raised + 1_000_000), (saved.ExpectedCloseDate, saved.PremiumKopecks)); // the colleague's premium kept
        }
        await page.Context.CloseAsync();
    }

    private async Task<long> PremiumAsync(int dealId)
    {
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        return await db.Deals.Where(d => d.Id == dealId).Select(d => d.PremiumKopecks).SingleAsync();
    }
}
