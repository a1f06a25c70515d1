using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Web.Components.Pages.Team;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class CoachingPages : CrmComponentTest
{
    [Fact]
    public async Task TheTeamPageHasACardPerManagerOfTheTeam()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var sellers = await H.QueryAsync(db => db.Managers.Where(m => m.TeamId == me.TeamId && m.Role == SalesCrm.Domain.Teams.StaffRole.Manager)
            .Select(m => m.Id).ToListAsync());
        var page = RenderInLayout<TeamPage>(_ => { });
        page.WaitForElements("[data-testid=manager-card]", sellers.Count);
        Assert.Equal(sellers.Order(), page.FindAll("[data-testid=manager-card]").Select(c => int.Parse(c.GetAttribute("data-manager-id")!)).Order());
        Assert.Equal(8, page.Find("[data-testid=manager-card]").QuerySelectorAll("tr[data-metric]").Length);
        page.WaitForElements("[data-testid=example-deal]");
    }

    [Fact]
    public async Task TheTeamLeadWritesARecommendationOnTheManagersPage()
    {
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<ManagerPage>(p => p.Add(x => x.ManagerId, m1));
        page.WaitForElements("[data-testid=scorecard-row]", 8);
        Assert.Equal(3, page.FindAll("[data-testid=trend-chart]").Count);

        page.Find("[data-testid=recommendation-add]").Click();
        page.WaitForAssertion(() => Assert.Contains("Заполните поле «Рекомендация»", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=recommendation]"));

        page.Find("textarea[data-testid=recommendation-text]").Change("Готовить три вопроса о бюджете перед каждой встречей");
        page.Find("[data-testid=recommendation-add]").Click();
        page.WaitForAssertion(() => Assert.Contains("Готовить три вопроса о бюджете", page.Find("[data-testid=recommendation]").TextContent));
    }

    [Fact]
    public async Task AManagerReadsTheirOwnPageWithoutTheCoachsTools()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<ManagerPage>(p => p.Add(x => x.ManagerId, me.ManagerId));
        page.WaitForElements("[data-testid=scorecard-row]", 8);
        Assert.Empty(page.FindAll("[data-testid=recommendation-add]"));
        Assert.Empty(page.FindAll("[data-testid=development-add]"));

        var m2 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync());
        var other = Render<ManagerPage>(p => p.Add(x => x.ManagerId, m2));
        other.WaitForElement("[data-testid=access-denied]");
        Assert.Empty(other.FindAll("[data-testid=scorecard-row]"));
    }
}
