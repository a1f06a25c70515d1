using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// Use case 3 in three browsers: m1 asks for 15 % off, the team lead sees it arrive live and escalates it with a
/// comment, the head approves with one click, and m1 is told at once and sees the approved premium.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class ApprovalsInBrowser(RunningApp app)
{
    [Fact]
    public async Task M1AsksFifteenPercentTheLeadEscalatesTheHeadApprovesAndM1SeesItLive()
    {
        var dealId = await app.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis, neverAsked: true);
        long premium;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
            premium = await db.Deals.Where(d => d.Id == dealId).Select(d => d.PremiumKopecks).SingleAsync();
        var requestedRubles = premium * 85 / 100 / 100; // 15 % off, whole rubles

        var lead = await app.SignedInPageAsync("lead@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(lead, "/approvals?view=pending");
        var head = await app.SignedInPageAsync("head@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(head, "/approvals?view=mine");

        // m1 asks from the deal card.
        var m1 = await app.SignedInPageAsync("m1@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(m1, $"/deals/{dealId}");
        await m1.GetByTestId("request-approval").ClickAsync();
        var dialog = m1.Locator(".mud-dialog");
        await dialog.Locator("input[data-testid=approval-requested], [data-testid=approval-requested] input").First
            .FillAsync(requestedRubles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await dialog.Locator("textarea[data-testid=approval-justification], [data-testid=approval-justification] textarea").First
            .FillAsync("Конкурент предложил на 15 % дешевле, клиент с филиалами");
        await Expect(dialog.GetByTestId("approval-discount")).ToContainTextAsync("15");
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(m1.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Expect(m1.GetByTestId("approval-state")).ToHaveAttributeAsync("data-state", "Pending");

        // The team lead's inbox shows it without a reload; the lead escalates it to the head with a comment. The row is
        // found by the request's id, not by its text (a filter on "№ <deal> " once matched two rows).
        int requestId;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
            requestId = await db.ApprovalRequests.Where(a => a.DealId == dealId).Select(a => a.Id).SingleAsync();
        var leadRow = lead.Locator($"[data-testid=approval-row][data-approval-id='{requestId}']");
        await Expect(leadRow).ToHaveCountAsync(1);
        await Expect(leadRow).ToHaveAttributeAsync("data-level", nameof(ApprovalLevel.Head));
        await leadRow.ClickAsync();
        await Expect(lead.GetByTestId("approve")).ToHaveCountAsync(0); // beyond the team lead's 10 %
        await lead.GetByTestId("escalate").ClickAsync();
        await Expect(lead.GetByText("Напишите, зачем нужна эскалация.")).ToBeVisibleAsync();
        await lead.Locator("textarea[data-testid=approval-comment], [data-testid=approval-comment] textarea").First.FillAsync("Поддерживаю: клиент с филиалами");
        await lead.GetByTestId("escalate").ClickAsync();
        await Expect(lead.Locator("[data-testid=approval-message][data-kind=Escalate]")).ToHaveCountAsync(1);

        // The head approves with one click.
        var headRow = head.Locator($"[data-testid=approval-row][data-approval-id='{requestId}']");
        await headRow.ClickAsync();
        await Expect(head.Locator("[data-testid=approval-message][data-kind=Escalate]")).ToContainTextAsync("Поддерживаю");
        await head.GetByTestId("approve").ClickAsync();
        await Expect(head.GetByTestId("approval-panel")).ToHaveAttributeAsync("data-state", nameof(ApprovalRequestState.Approved));

        // m1 is told at once and the deal shows the approved premium.
        await Expect(m1.GetByTestId("toast").Filter(new() { HasText = "Согласовано" })).ToHaveCountAsync(1);
        await Expect(m1.GetByTestId("approval-state")).ToHaveAttributeAsync("data-state", "Approved");
        var shown = new string((await m1.GetByTestId("deal-premium").InnerTextAsync()).Where(char.IsDigit).ToArray());
        Assert.StartsWith(requestedRubles.ToString(System.Globalization.CultureInfo.InvariantCulture), shown);

        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var deal = await db.Deals.AsNoTracking().SingleAsync(d => d.Id == dealId);
            Assert.Equal(requestedRubles * 100, deal.PremiumKopecks);
            Assert.Equal(ApprovalState.Approved, deal.ApprovalState);
        }
        await m1.Context.CloseAsync();
        await lead.Context.CloseAsync();
        await head.Context.CloseAsync();
    }
}
