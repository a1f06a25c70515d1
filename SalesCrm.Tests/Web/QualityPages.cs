using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Web.Components.Pages.Quality;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class QualityPages : CrmComponentTest
{
    [Fact]
    public async Task TheRulesListTheirFindingsAndOneClickGivesTheOwnersTasks()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<QualityPage>(_ => { });
        page.WaitForElements("[data-testid=quality-rule]", QualityCatalogue.All.Count);
        var rule = page.Find($"[data-testid=quality-rule][data-rule={QualityRule.ClientNoDecisionMaker}]");
        var count = int.Parse(rule.GetAttribute("data-count")!);
        Assert.True(count > 0);
        rule.Click();
        page.WaitForAssertion(() => Assert.Equal(count, page.FindAll($"[data-testid=quality-finding][data-rule={QualityRule.ClientNoDecisionMaker}]").Count));
        Assert.NotEmpty(page.FindAll("[data-testid=quality-manager]"));

        page.Find("[data-testid=fix-all]").Click();
        Providers.WaitForElement(".mud-message-box").QuerySelectorAll("button").Last().Click();
        var title = SalesCrm.Data.Quality.QualityService.FixTitle(QualityRule.ClientNoDecisionMaker);
        page.WaitForAssertion(() => Assert.Equal(count, H.QueryAsync(db => db.Tasks.CountAsync(t => t.Kind == TaskKind.DataFix && t.Title == title)).Result));
    }

    [Fact]
    public async Task TheMergeScreenShowsBothSidesAndAManagerIsDenied()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var pair = (await H.Get<SalesCrm.Data.Quality.QualityService>().ReportAsync(null)).Duplicates[0];
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/quality/merge?survivor={pair.FirstId}&duplicate={pair.SecondId}");
        var page = RenderInLayout<MergePage>(_ => { });
        page.WaitForElement("[data-testid=merge-survivor]");
        Assert.Equal(pair.FirstId.ToString(), page.Find("[data-testid=merge-survivor]").GetAttribute("data-client-id"));
        Assert.Equal(pair.SecondId.ToString(), page.Find("[data-testid=merge-duplicate]").GetAttribute("data-client-id"));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var denied = Render<MergePage>();
        denied.WaitForElement("[data-testid=access-denied]");
    }
}
