using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Data.Demo;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// A lead from the website reaches the right manager's bell live; the team lead reassigns it with a reason and the
/// new owner's bell rings too — real app process, real browsers, nothing reloaded.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class LeadsInBrowser(RunningApp app)
{
    private static async Task<int> BellAsync(IPage page) =>
        int.Parse((await page.GetByTestId("notification-count").GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until the bell counts at least <paramref name="count"/>. Not exactly: the background scans may ring it too while the
    /// test runs (at 09:00 the speed-to-lead scan alerts every lead that waited through the night), so the test then looks for
    /// its own notification by its text.
    /// </summary>
    private static Task BellReachesAsync(IPage page, int count) =>
        page.WaitForFunctionAsync("min => Number(document.querySelector('[data-testid=notification-count]')?.dataset.count) >= min", count);

    [Fact]
    public async Task AnApiLeadGoesToM1ByTerritoryLiveAndTheLeadReassignsItToM2WithAReason()
    {
        int m1, m2;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            m1 = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync();
            m2 = await db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync();
        }

        var first = await app.SignedInPageAsync("m1@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(first, "/leads?view=mine");
        var second = await app.SignedInPageAsync("m2@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(second, "/");
        var m1Before = await BellAsync(first);
        var m2Before = await BellAsync(second);

        // The website form posts the lead with the demo key.
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(new
            {
                company = "ООО «Сквозной тест»", inn = SalesCrm.Domain.Common.Inn.Complete("77" + Random.Shared.Next(1_000_000, 9_999_999)),
                contactName = "Белов Артём", phone = "+7 495 " + Random.Shared.Next(1_000_000, 9_999_999), region = "Москва", channel = "website",
            }),
        };
        request.Headers.Add("X-Api-Key", DemoDataGenerator.DemoApiKey);
        var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var leadId = answer.GetProperty("id").GetInt32();
        Assert.Equal(m1, answer.GetProperty("assignedTo").GetInt32());

        // m1's bell and list update without a reload.
        await BellReachesAsync(first, m1Before + 1);
        await Expect(first.Locator($"[data-testid=lead-row][data-lead-id='{leadId}']")).ToHaveCountAsync(1);

        // The team lead reassigns it to m2 with a reason from the catalogue.
        var lead = await app.SignedInPageAsync("lead@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(lead, "/leads?view=all&q=" + Uri.EscapeDataString("Сквозной тест"));
        await lead.Locator($"button[data-testid=assign-lead][data-lead-id='{leadId}']").ClickAsync();
        var dialog = lead.Locator(".mud-dialog");
        await dialog.Locator($"[data-testid=assign-lead][data-manager-id='{m2}']").ClickAsync();
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(dialog.GetByText("Выберите причину из справочника.")).ToBeVisibleAsync();
        await lead.GetByTestId("assign-reason").ClickAsync();
        await lead.GetByRole(AriaRole.Option, new() { Name = AssignmentReason.ManagerOverloaded.Russian() }).ClickAsync();
        await dialog.Locator("textarea[data-testid=assign-comment], [data-testid=assign-comment] textarea").First.FillAsync("У Петрова 20 открытых сделок");
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(lead.Locator(".mud-dialog")).ToHaveCountAsync(0);

        await BellReachesAsync(second, m2Before + 1);
        await Expect(second.GetByTestId("toast").Filter(new() { HasText = "Сквозной тест" })).Not.ToHaveCountAsync(0);
        // The bell opens its list with the new assignment in it.
        await second.GetByTestId("bell").ClickAsync();
        await Expect(second.Locator(".bell-menu .bell-item").Filter(new() { HasText = "Сквозной тест" })).Not.ToHaveCountAsync(0);
        await second.Keyboard.PressAsync("Escape");
        // The lead leaves m1's own list live as well.
        await Expect(first.Locator($"[data-testid=lead-row][data-lead-id='{leadId}']")).ToHaveCountAsync(0);

        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var history = await db.Assignments.AsNoTracking().Where(a => a.LeadId == leadId).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(2, history.Count);
            Assert.Equal(AssignmentReason.Territory, history[0].Reason);
            Assert.StartsWith("территория: Москва", history[0].Rule);
            Assert.Equal(m2, history[1].ToManagerId);
            Assert.Equal(AssignmentReason.ManagerOverloaded, history[1].Reason);
            Assert.Equal("У Петрова 20 открытых сделок", history[1].Comment);
        }

        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
        await lead.Context.CloseAsync();
    }
}
