using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Web.Components.Pages.Leads;
using SalesCrm.Web.Components.Pages.Settings;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class LeadsPageRendering : CrmComponentTest
{
    [Fact]
    public async Task TheTeamLeadSeesTheTeamsLoadAndSpeedAndCanAssign()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<LeadsPage>(_ => { });
        page.WaitForElements("[data-testid=manager-load]");

        var load = page.FindAll("[data-testid=manager-load]");
        var members = await H.QueryAsync(db => db.Managers.Where(m => m.TeamId == me.TeamId && m.IsActive && m.Role != SalesCrm.Domain.Teams.StaffRole.Head)
            .Select(m => m.Id).ToListAsync());
        Assert.All(load, card => Assert.Contains(int.Parse(card.GetAttribute("data-manager-id")!, System.Globalization.CultureInfo.InvariantCulture), members));
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        var m1Open = await H.QueryAsync(db => db.Deals.CountAsync(d => d.OwnerId == m1 && d.Stage != StageCode.Won && d.Stage != StageCode.Lost));
        Assert.Equal(m1Open.ToString(System.Globalization.CultureInfo.InvariantCulture),
            page.Find($"[data-testid=manager-load][data-manager-id='{m1}']").GetAttribute("data-open-deals"));
        Assert.NotNull(page.Find("[data-testid=speed-median]"));
        Assert.NotNull(page.Find("[data-testid=speed-contact]"));
    }

    /// <summary>
    /// A lead that came in on Saturday evening still waits «0 раб. мин» on Sunday: the cell says the minutes are working
    /// ones and that the lead arrived out of hours, instead of a bare «ждёт 0 мин».
    /// </summary>
    [Fact]
    public async Task AWeekendLeadSaysItsWaitIsInWorkingTime()
    {
        // The first weekend after the demo's "now" whose Saturday and Sunday are days off in the production calendar: the lead
        // is then the newest of the manager's and the wait is measured across days off whatever the date of the run.
        var calendar = await H.Get<SalesCrm.Data.Calendar.WorkingCalendarSource>().CurrentAsync();
        var day = DateOnly.FromDateTime(H.Time.GetUtcNow().UtcDateTime).AddDays(1);
        while (day.DayOfWeek != DayOfWeek.Saturday || calendar.IsWorkingDay(day) || calendar.IsWorkingDay(day.AddDays(1))) day = day.AddDays(1);
        var saturday = day.ToDateTime(new TimeOnly(16, 43), DateTimeKind.Utc); // 19:43 in Moscow
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var leadId = await H.QueryAsync(async db =>
        {
            var lead = new Lead(LeadChannel.Website, "ООО «Суббота»", null, null, "+7 495 765-43-21", null, null, "Москва", null, null, null, saturday);
            lead.AssignTo(me.ManagerId, AssignmentReason.Territory, null, null, "территория: Москва", saturday);
            db.Leads.Add(lead);
            await db.SaveChangesAsync();
            return lead.Id;
        });
        H.Time.SetUtcNow(new DateTimeOffset(saturday.AddDays(1).Date.AddHours(17), TimeSpan.Zero)); // Sunday 20:00 in Moscow
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/leads?view=mine");
        var page = RenderInLayout<LeadsPage>(_ => { });
        page.WaitForElement($"[data-testid=lead-row][data-lead-id='{leadId}']");

        var row = page.Find($"[data-testid=lead-row][data-lead-id='{leadId}']").Closest("tr")!;
        var waiting = row.QuerySelector("[data-testid=lead-waiting]")!;
        Assert.Contains("0 раб. мин", waiting.TextContent, StringComparison.Ordinal);
        Assert.Contains("рабочее время", waiting.GetAttribute("title"), StringComparison.Ordinal);
        Assert.Contains("пришёл в нерабочее время", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagerSeesOnlyOwnLeadsAndNoAssignment()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/leads?view=all");
        var page = RenderInLayout<LeadsPage>(_ => { });
        page.WaitForElements("[data-testid=lead-row]");
        Assert.Empty(page.FindAll("[data-testid=manager-load]"));
        Assert.Empty(page.FindAll("[data-testid=assign-lead]"));
        var mine = (await H.QueryAsync(db => db.Leads.Where(l => l.AssigneeId == me.ManagerId).Select(l => l.Id).ToListAsync())).ToHashSet();
        Assert.All(page.FindAll("[data-testid=lead-row]"),
            r => Assert.Contains(int.Parse(r.GetAttribute("data-lead-id")!, System.Globalization.CultureInfo.InvariantCulture), mine));
    }

    [Fact]
    public async Task AManagerHasOnlyOwnNotificationSettings()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var manager = RenderInLayout<SettingsPage>(_ => { });
        manager.WaitForElement("[data-testid=settings-notifications]");
        Assert.Empty(manager.FindAll("[data-testid=settings-api-keys]"));
        Assert.Empty(manager.FindAll("[data-testid=settings-distribution]"));
        Assert.Empty(manager.FindAll("[data-testid=settings-board]"));
    }

    [Fact]
    public async Task TheHeadCreatesAnApiKeyShownOnceAndStoredHashed()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var head = RenderInLayout<SettingsPage>(_ => { });
        head.WaitForElement("[data-testid=settings-api-keys]");
        Assert.NotEmpty(head.FindAll("[data-testid=api-key-row]"));
        head.Find("input[data-testid=api-key-name]").Change("Партнёр «Брокер-Сервис»");
        head.Find("[data-testid=api-key-create]").Click();
        head.WaitForElement("[data-testid=api-key-value]");
        var key = head.Find("[data-testid=api-key-value]").TextContent;
        var stored = await H.QueryAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "Партнёр «Брокер-Сервис»"));
        Assert.Equal(SalesCrm.Domain.Integrations.ApiKey.Hash(key), stored.KeyHash); // only the hash is kept
        Assert.StartsWith(stored.Prefix.TrimEnd('…'), key);
        Assert.Equal(2, head.FindAll("[data-testid=auto-assign]").Count);
    }
}
