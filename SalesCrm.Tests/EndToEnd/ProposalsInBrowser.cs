using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Proposals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The manager makes a proposal on the deal card — the options side by side, a missing insured object said on its field — and
/// finds the version with its DOCX and PDF; when the client opens a sent version's link, the open card shows it without a
/// reload and the bell rings.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class ProposalsInBrowser(RunningApp app)
{
    private static ILocator Field(ILocator scope, string testId, string element = "input") =>
        scope.Locator($"{element}[data-testid={testId}], [data-testid={testId}] {element}").First;

    [Fact]
    public async Task TheManagerMakesAProposalAndSeesTheClientOpenItLive()
    {
        var dealId = await app.DealAtAsync("m3@demo.salescrm", StageCode.NeedsAnalysis, neverAsked: true);
        var page = await app.SignedInPageAsync("m3@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(page, $"/deals/{dealId}");
        var panel = page.GetByTestId("proposal-panel");

        await panel.GetByTestId("proposal-generate").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog.GetByTestId("proposal-option")).ToHaveCountAsync(1);
        await Field(dialog.GetByTestId("proposal-option").First, "option-sum").FillAsync("150000000");
        await dialog.GetByTestId("proposal-add-option").ClickAsync();
        await Expect(dialog.GetByTestId("proposal-option")).ToHaveCountAsync(2);
        var second = dialog.GetByTestId("proposal-option").Nth(1);
        await Field(second, "option-name").FillAsync("Расширенный");
        await Field(second, "option-sum").FillAsync("300000000");
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(dialog.GetByText("Заполните поле «Объект страхования».")).ToBeVisibleAsync(); // said on its field; nothing made
        await Field(dialog, "proposal-object", "textarea").FillAsync("Склад класса А, 2 400 м², Подольск");
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);

        var version = panel.GetByTestId("proposal-version").First;
        await Expect(version).ToContainTextAsync($"{dealId}-1");
        await Expect(version.GetByTestId("proposal-pdf")).ToBeVisibleAsync();
        await Expect(version.GetByTestId("proposal-docx")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("files-panel")).ToContainTextAsync($"КП {dealId}-1");
        var pdf = await page.Context.APIRequest.GetAsync(await version.GetByTestId("proposal-pdf").GetAttributeAsync("href") ?? "");
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);

        // A version the client has (sent before, from the history), opened by the client through its link while the card is open.
        string token;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var deal = await db.Deals.SingleAsync(d => d.Id == dealId);
            var now = RunningApp.Clock.GetUtcNow().UtcDateTime;
            var sent = ProposalDocument.FromHistory(dealId, 2, "Склад класса А", new ProposalOptionInput("Основной", 150_000_000_00, 0, deal.PremiumKopecks, null),
                now.Date.AddDays(10), deal.OwnerId, now.AddHours(-3), "client@example.ru", now.AddHours(-2), doc =>
                    new ProposalFacts("ООО «Клиент»", null, null, null, null, null, "Имущество", dealId, 2, now.Date, doc.ValidUntil, doc.InsuredObject, doc.Options,
                        null, "Менеджер", null, null, null, null, null).Content().ToJson());
            db.ProposalDocuments.Add(sent);
            deal.RecordProposalSent(sent.ValidUntil, sent.Premium, now.AddHours(-2));
            await db.SaveChangesAsync();
            token = sent.Token;
        }
        using (var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/p/" + token)).StatusCode);
        await Expect(panel.GetByTestId("proposal-client-has")).ToContainTextAsync("открытий: 1");
        await Expect(panel.GetByTestId("proposal-version")).ToHaveCountAsync(2);

        // That version came without files: they are made when asked for, not by reading the card.
        var older = panel.GetByTestId("proposal-version").First;
        await Expect(older.GetByTestId("proposal-pdf")).ToHaveCountAsync(0);
        await older.GetByTestId("proposal-make-files").ClickAsync();
        await Expect(older.GetByTestId("proposal-pdf")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
