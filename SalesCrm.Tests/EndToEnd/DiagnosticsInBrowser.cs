using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Quality;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The team lead opens /diagnostics: eight blocks with their statuses, block 2 (CRM discipline) triggered on the demo data.
/// One click gives the data-fix tasks; the owners fix their records (through the same services the deal and client cards
/// call), the lead closes the fixed tasks on /tasks, and block 2 measures clean.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class DiagnosticsInBrowser(RunningApp app)
{
    private static readonly string[] Statuses = ["ok", "warning", "triggered", "nodata"];

    [Fact]
    public async Task EightBlocksShowAndDoingBlockTwosDataFixTasksTurnsItOk()
    {
        var lead = await app.SignedInPageAsync("lead@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(lead, "/diagnostics");
        var blocks = lead.GetByTestId("diagnostic-block");
        await Expect(blocks).ToHaveCountAsync(8);
        var numbers = await blocks.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.block + ':' + e.dataset.status)");
        Assert.Equal(Enumerable.Range(1, 8).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), numbers.Select(x => x.Split(':')[0]));
        Assert.All(numbers, x => Assert.Contains(x.Split(':')[1], Statuses));
        var discipline = lead.Locator("[data-testid=diagnostic-block][data-block='2']");
        await Expect(discipline).ToHaveAttributeAsync("data-status", "triggered");

        await using var h = await ServiceHarness.CreateAsync(app.ConnectionString);
        var before = await FixTasksAsync(h);
        await discipline.GetByTestId("block-start").ClickAsync();
        await lead.GetByRole(AriaRole.Button, new() { Name = "Поставить", Exact = true }).ClickAsync();
        await Expect(lead.GetByText("Задач поставлено")).ToBeVisibleAsync(Slow);
        var given = await FixTasksAsync(h);
        Assert.True(given > before, "block 2 gave no data-fix tasks");

        // A task whose record is still broken does not close.
        await RunningApp.GotoInteractiveAsync(lead, "/tasks?view=open");
        await lead.GetByTestId("tasks-close-fixed").ClickAsync();
        await Expect(lead.GetByText("Закрыто задач: 0.")).ToBeVisibleAsync(Slow);
        Assert.Equal(given, await FixTasksAsync(h));

        await FixBlockTwoAsync(h);

        await lead.GetByTestId("tasks-close-fixed").ClickAsync();
        await Expect(lead.GetByText("Ещё не исправлено: 0.")).ToBeVisibleAsync(Slow);
        Assert.Equal(0, await FixTasksAsync(h));

        await RunningApp.GotoInteractiveAsync(lead, "/diagnostics");
        await Expect(lead.Locator("[data-testid=diagnostic-block][data-block='2']")).ToHaveAttributeAsync("data-status", "ok");
        await Expect(lead.GetByTestId("diagnostic-block")).ToHaveCountAsync(8);
        await lead.Context.CloseAsync();
    }

    /// <summary>
    /// Readiness for the work behind a button (a task for every finding of the team, a rule run per team): it shares the
    /// machine with the other test collections, so it gets longer than Playwright's five seconds. No time is asserted.
    /// </summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    /// <summary>Open data-fix tasks of team 1 (the lead's team).</summary>
    private static Task<int> FixTasksAsync(ServiceHarness h) => h.QueryAsync(db => db.Tasks.CountAsync(t =>
        t.Status == TaskState.Open && t.FixRule != null && db.Managers.Any(m => m.Id == t.AssigneeId && m.Team!.Name == "Команда 1")));

    /// <summary>
    /// What the owners do with their tasks: a next step on each deal without one, the missing contact, decision-maker,
    /// phone, INN and fields on each client card, and the lead merges the duplicates — through the services, as the app does.
    /// </summary>
    private static async Task FixBlockTwoAsync(ServiceHarness h)
    {
        await h.User.SignInAsAsync("lead@demo.salescrm");
        var quality = h.Get<QualityService>();
        var report = await quality.ReportAsync(null);
        var now = h.Time.GetUtcNow().UtcDateTime;
        var emails = await h.QueryAsync(db => db.Managers.ToDictionaryAsync(m => m.Id, m => m.Email));
        foreach (var f in report.Findings.Where(f => DiagnosticCatalogue.DisciplineRules.Contains(f.Rule) && f.Rule != QualityRule.DuplicateClient)
                     .GroupBy(f => (f.Subject, f.RecordId)))
        {
            await h.User.SignInAsAsync(emails[f.First().OwnerId]);
            if (f.Key.Subject == QualitySubject.Deal)
            {
                Assert.All(f, x => Assert.Equal(QualityRule.DealNoNextStep, x.Rule));
                await h.Get<DealService>().SetNextStepAsync(f.Key.RecordId, "Позвонить ЛПР по итогам расчёта", now.AddDays(5));
                continue;
            }
            var clients = h.Get<ClientService>();
            var card = await clients.GetCardAsync(f.Key.RecordId);
            var rules = f.Select(x => x.Rule).ToHashSet();
            if (rules.Overlaps([QualityRule.ClientNoContact, QualityRule.ClientNoDecisionMaker, QualityRule.ClientNoPhoneOrEmail]))
                await clients.AddContactAsync(card.Id, new ContactInput("Иванов Сергей Петрович", "Генеральный директор",
                    $"+7 495 {card.Id % 10_000_000:D7}", null, true));
            if (rules.Overlaps([QualityRule.ClientInnInvalid, QualityRule.ClientRequiredFieldsEmpty]))
            {
                card = await clients.GetCardAsync(card.Id);
                var inn = card.InnValid ? card.Inn! : await FreeInnAsync(h, card.Id);
                await clients.UpdateAsync(card.Id, card.Version, new ClientInput(card.Name, inn, card.Kpp,
                    string.IsNullOrWhiteSpace(card.Industry) ? "Производство" : card.Industry, string.IsNullOrWhiteSpace(card.Region) ? "Москва" : card.Region,
                    card.Segment, card.Phone ?? $"+7 495 {card.Id % 10_000_000:D7}", card.Email, card.Address, card.Branches, card.IsKeyClient));
            }
        }

        // Duplicates: merge the first pair found until none is left (a chain A–B–C takes two rounds).
        await h.User.SignInAsAsync("lead@demo.salescrm");
        for (var round = 0; round < 50; round++)
        {
            var pair = (await quality.ReportAsync(null)).Duplicates.FirstOrDefault();
            if (pair is null) return;
            var versions = await h.QueryAsync(db => db.Clients.Where(c => c.Id == pair.FirstId || c.Id == pair.SecondId).ToDictionaryAsync(c => c.Id, c => c.Version));
            await h.Get<ClientMergeService>().MergeAsync(pair.FirstId, versions[pair.FirstId], pair.SecondId, versions[pair.SecondId]);
        }
        Assert.Fail("duplicates kept appearing after 50 merges");
    }

    /// <summary>A valid company INN no client has.</summary>
    private static async Task<string> FreeInnAsync(ServiceHarness h, int seed)
    {
        for (var n = 0; ; n++)
        {
            var inn = Inn.Complete($"50{(seed * 31 + n) % 10_000_000:D7}");
            if (!await h.QueryAsync(db => db.Clients.IgnoreQueryFilters().AnyAsync(c => c.Inn == inn))) return inn;
        }
    }
}
