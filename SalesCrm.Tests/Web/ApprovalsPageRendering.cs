using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Domain.Approvals;
using SalesCrm.Web.Components.Pages.Approvals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class ApprovalsPageRendering : CrmComponentTest
{
    [Fact]
    public async Task TheTeamLeadSeesTheTeamsRequestsAndDecidesOnlyWithinTheLimit()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/approvals?view=pending");
        var page = RenderInLayout<ApprovalsPage>(_ => { });
        page.WaitForElements("[data-testid=approval-row]");

        var team = await H.QueryAsync(db => db.ApprovalRequests.Where(a => a.State == ApprovalRequestState.Pending
            && db.Deals.Any(d => d.Id == a.DealId && me.TeamMemberIds.Contains(d.OwnerId))).Select(a => a.Id).ToListAsync());
        var shown = page.FindAll("[data-testid=approval-row]").Select(r => int.Parse(r.GetAttribute("data-approval-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(team.Order(), shown.Order());

        var atHead = page.FindAll("[data-testid=approval-row][data-level=Head]").FirstOrDefault();
        Assert.NotNull(atHead);
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>()
            .NavigateTo("/approvals?view=pending&id=" + atHead!.GetAttribute("data-approval-id"));
        page.Render();
        page.WaitForElement("[data-testid=approval-panel]");
        Assert.Empty(page.FindAll("[data-testid=approve]"));
        Assert.Single(page.FindAll("[data-testid=escalate][data-level=Head]"));
        Assert.Single(page.FindAll("[data-testid=approval-client]"));
    }
}
