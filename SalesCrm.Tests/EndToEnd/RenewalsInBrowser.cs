using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>A contract ending in 25 days shows in the 30-day list with the reason it is in the red zone.</summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class RenewalsInBrowser(RunningApp app)
{
    [Fact]
    public async Task AContractEndingIn25DaysShowsInThe30DayListWithItsRedZoneReason()
    {
        int contractId;
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var m1 = await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm");
            var client = await db.Clients.Where(c => c.OwnerId == m1.Id && !db.ClientSignals.Any(s => s.ClientId == c.Id)).OrderBy(c => c.Id).FirstAsync();
            var product = await db.Products.FirstAsync();
            var now = RunningApp.Clock.GetUtcNow().UtcDateTime;
            var today = TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).Date;
            var contract = new Contract(client.Id, product.Id, m1.Id, "Е2Е-" + Guid.NewGuid().ToString("N")[..6], today.AddDays(25).AddYears(-1), today.AddDays(25),
                Money.FromRubles(900_000), null);
            db.Contracts.Add(contract);
            client.RecordSignal(ClientSignalKind.Complaint, now.AddDays(-3), "Задержка выплаты");
            client.RecordSignal(ClientSignalKind.Complaint, now.AddDays(-10), "Ошибка в полисе");
            client.RecordSignal(ClientSignalKind.Complaint, now.AddDays(-20), "Не отвечают на письма");
            client.RecordSignal(ClientSignalKind.DecisionMakerChange, now.AddDays(-30), "Новый финансовый директор");
            await db.SaveChangesAsync();
            contractId = contract.Id;
        }

        var lead = await app.SignedInPageAsync("lead@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(lead, "/renewals?days=30");
        var row = lead.Locator($"[data-testid=renewal-row][data-contract-id='{contractId}']");
        await Expect(row).ToHaveAttributeAsync("data-days-left", "25");
        await Expect(row).ToHaveAttributeAsync("data-red", "true");
        await Expect(row.GetByTestId("churn-factors")).ToContainTextAsync("жалобы");
        await Expect(row.GetByTestId("churn-factors")).ToContainTextAsync("сменился ЛПР");
        await Expect(lead.GetByTestId("renewal-redzone")).ToContainTextAsync("жалобы, сменился ЛПР");

        // m2's list does not have m1's contract.
        var m2 = await app.SignedInPageAsync("m2@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(m2, "/renewals?days=30");
        await Expect(m2.GetByTestId("renewal-red")).ToBeVisibleAsync();
        await Expect(m2.Locator($"[data-testid=renewal-row][data-contract-id='{contractId}']")).ToHaveCountAsync(0);
        await lead.Context.CloseAsync();
        await m2.Context.CloseAsync();
    }
}
