using Bunit;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Layout;

namespace SalesCrm.Tests.Web;

/// <summary>The menu offers each role the pages it can use, and no page the server would refuse it (Controls/AccessMatrix).</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class NavMenuRendering : CrmComponentTest
{
    [Theory]
    [InlineData("uw@demo.salescrm", "/pipeline /deals /clients /approvals /settings", "/renewals /leads /tasks /dashboard /admin")]
    [InlineData("m1@demo.salescrm", "/tasks /leads /deals /renewals", "/dashboard /admin /diagnostics")]
    [InlineData("lead@demo.salescrm", "/dashboard /leads /renewals /diagnostics /admin", "")]
    public async Task EachRoleIsOfferedWhatItCanOpen(string email, string offered, string hidden)
    {
        var me = await H.User.SignInAsAsync(email);
        var menu = Render<NavMenu>(p => p.Add(x => x.User, me));
        var links = menu.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).ToHashSet();
        Assert.All(offered.Split(' ', StringSplitOptions.RemoveEmptyEntries), href => Assert.Contains(href, links));
        Assert.All(hidden.Split(' ', StringSplitOptions.RemoveEmptyEntries), href => Assert.DoesNotContain(href, links));
    }
}
