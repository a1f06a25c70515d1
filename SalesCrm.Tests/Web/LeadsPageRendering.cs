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
