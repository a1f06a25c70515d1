using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The team lead comments on a manager's deal and mentions them as «@Фамилия»: the manager, with the deal open in another
/// browser, sees the comment arrive in the deal's history without reloading.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class CommentsInBrowser(RunningApp app)
{
    [Fact]
    public async Task TheTeamLeadsCommentArrivesOnTheManagersOpenDeal()
    {
        var dealId = await app.DealAtAsync("m3@demo.salescrm", StageCode.NeedsAnalysis);
        await using var db = TestDatabase.CreateContext(app.ConnectionString);
        var surname = (await db.Managers.Where(m => m.Email == "m3@demo.salescrm").Select(m => m.FullName).SingleAsync()).Split(' ')[0];
        var advice = $"@{surname}, уточни у клиента убытки за 3 года ({Guid.NewGuid():N})";

        var manager = await app.SignedInPageAsync("m3@demo.salescrm", 1366, 768);
        await RunningApp.GotoInteractiveAsync(manager, $"/deals/{dealId}");
        var lead = await app.SignedInPageAsync("lead@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(lead, $"/deals/{dealId}");

        await lead.Locator("textarea[data-testid=comment-text], [data-testid=comment-text] textarea").First.FillAsync(advice);
        await lead.GetByTestId("comment-send").ClickAsync();

        await Expect(manager.GetByText(advice)).ToBeVisibleAsync();
        await Expect(lead.GetByText(advice)).ToBeVisibleAsync();
        await manager.Context.CloseAsync();
        await lead.Context.CloseAsync();
    }
}
