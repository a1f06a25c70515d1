using Microsoft.Playwright;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// /admin as its people use it: the administrator creates a colleague with a one-time password, who must replace it at the
/// first sign-in; the head edits the calendar and the competitors; a team lead sees only the sections of the role.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class AdministrationInBrowser(RunningApp app)
{
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task TheAdministratorCreatesAColleagueWhoReplacesTheOneTimePasswordFirst()
    {
        var admin = await app.SignedInPageAsync("admin@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(admin, "/admin?section=users");
        var email = $"novikova-{Guid.NewGuid():N}"[..18] + "@demo.salescrm";
        await admin.GetByTestId("user-create").ClickAsync();
        var dialog = admin.Locator(".mud-dialog");
        await Input(dialog.Page, "user-name").FillAsync("Новикова Ирина Сергеевна");
        await Input(dialog.Page, "user-email").FillAsync(email);
        await admin.GetByTestId("user-team").ClickAsync();
        await admin.Locator(".mud-popover-open").GetByRole(AriaRole.Option).First.ClickAsync();
        await Expect(admin.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await Expect(Input(admin, "user-email")).ToHaveValueAsync(email);
        await dialog.GetByTestId("dialog-save").ClickAsync();
        await Expect(admin.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Expect(admin.GetByTestId("user-credentials")).ToBeVisibleAsync();
        var password = (await admin.GetByTestId("user-one-time-password").InnerTextAsync()).Trim();
        await Expect(admin.Locator("[data-testid=user-row]", new() { HasText = email })).ToBeVisibleAsync();

        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl });
        var colleague = await context.NewPageAsync();
        await colleague.GotoAsync("/login");
        await colleague.GetByTestId("login-email").FillAsync(email);
        await colleague.GetByTestId("login-password").FillAsync(password);
        await colleague.GetByTestId("login-submit").ClickAsync();
        await RunningApp.ExpectPathAsync(colleague, "/account/password");
        await Expect(colleague.GetByTestId("password-must-change")).ToBeVisibleAsync();
        // Any other page sends them back here until the password is their own.
        await colleague.GotoAsync("/deals");
        await RunningApp.ExpectPathAsync(colleague, "/account/password");
        await colleague.GetByTestId("password-current").FillAsync(password);
        await colleague.GetByTestId("password-new").FillAsync("Novikova-2027!");
        await colleague.GetByTestId("password-repeat").FillAsync("Novikova-2027!");
        await colleague.GetByTestId("password-submit").ClickAsync();
        await RunningApp.ExpectPathAsync(colleague, "/");
        await context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task TheHeadMarksADayAndAddsACompetitor()
    {
        var head = await app.SignedInPageAsync("head@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(head, "/admin?section=calendar");
        await Expect(head.GetByTestId("calendar-day").First).ToBeVisibleAsync();
        // Next year's 1 January: a holiday by the production calendar; made working, then brought back.
        var year = int.Parse(await head.GetByTestId("calendar-year").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) + 1;
        await head.GetByLabel("Следующий год").ClickAsync();
        await Expect(head.GetByTestId("calendar-year")).ToHaveTextAsync(year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var first = head.Locator($"[data-testid=calendar-day][data-date='{year}-01-01']");
        await Expect(first).ToHaveAttributeAsync("data-working", "0");
        await first.GetByTestId("calendar-toggle").ClickAsync();
        await Expect(first).ToHaveAttributeAsync("data-working", "1");
        await first.GetByTestId("calendar-reset").ClickAsync();
        await Expect(first).ToHaveAttributeAsync("data-working", "0");
        await Expect(first.GetByTestId("calendar-reset")).ToHaveCountAsync(0);

        await RunningApp.GotoInteractiveAsync(head, "/admin?section=catalogues");
        var name = $"СК «Проверка {Guid.NewGuid():N}"[..24] + "»";
        await Input(head, "competitor-new").FillAsync(name);
        await head.GetByTestId("competitor-add").ClickAsync();
        await head.WaitForFunctionAsync("name => [...document.querySelectorAll('[data-testid=competitor-row] input')].some(i => i.value === name)", name);
        await Input(head, "competitor-new").FillAsync(name.ToUpperInvariant());
        await head.GetByTestId("competitor-add").ClickAsync();
        await Expect(head.GetByText("Такой конкурент уже есть в справочнике.").First).ToBeVisibleAsync();
        await head.Context.CloseAsync();
    }

    [Fact]
    public async Task ATeamLeadSeesOnlyTheSectionsOfTheRole()
    {
        var lead = await app.SignedInPageAsync("lead@demo.salescrm");
        await RunningApp.GotoInteractiveAsync(lead, "/admin?section=users");
        var tabs = await lead.GetByTestId("admin-tab").EvaluateAllAsync<string[]>("tabs => tabs.map(t => t.dataset.section)");
        Assert.Equal(["plans", "stages", "calendar"], tabs);
        await Expect(lead.GetByTestId("admin-section")).ToHaveAttributeAsync("data-section", "plans");
        await lead.Context.CloseAsync();
    }
}
