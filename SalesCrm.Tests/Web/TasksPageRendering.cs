using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Domain.Tasks;
using SalesCrm.Web.Components.Pages.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

[Trait(TestKind.Key, TestKind.Web)]
public sealed class TasksPageRendering : CrmComponentTest
{
    [Fact]
    public async Task AManagerSeesOwnOpenTasksAndTicksOneOff()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var open = await H.QueryAsync(db => db.Tasks.CountAsync(t => t.AssigneeId == me.ManagerId && t.Status == TaskState.Open));
        var page = RenderInLayout<TasksPage>(_ => { });
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=task-row]")));
        Assert.Equal(Math.Min(open, 500), page.FindAll("[data-testid=task-row]").Count);
        Assert.Contains($"Открытые ({open})", page.Find("[data-testid=task-view]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=task-assignee]"));

        var first = page.Find("[data-testid=task-row]");
        var id = int.Parse(first.GetAttribute("data-task-id")!, System.Globalization.CultureInfo.InvariantCulture);
        await first.QuerySelector("[data-testid=task-complete]")!.ClickAsync(new());
        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("[data-testid=task-row]"), r => r.GetAttribute("data-task-id") == id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TaskState.Done, (await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == id))).Status);
    }

    [Fact]
    public async Task TheTeamLeadGetsAnAssigneePicker()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var page = RenderInLayout<TasksPage>(_ => { });
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=task-assignee]")));
        Assert.NotEmpty(page.FindAll("[data-testid=task-row]"));
    }

    [Fact]
    public async Task AManagerAskingForAColleaguesTasksIsRefused()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var m5 = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "m5@demo.salescrm"));
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/tasks?assignee={m5.Id}");
        var denied = RenderInLayout<TasksPage>(_ => { });
        denied.WaitForAssertion(() => Assert.NotNull(denied.Find("[data-testid=access-denied]")));
        Assert.Empty(denied.FindAll("[data-testid=task-row]"));
    }
}
