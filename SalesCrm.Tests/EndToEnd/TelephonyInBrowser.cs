using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>A signed call event for a demo client's phone appears in that deal's open timeline without a reload, with its recording.</summary>
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
}
