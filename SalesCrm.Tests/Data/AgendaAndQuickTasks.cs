using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Planning a task or a meeting from anywhere, «Мой день», the day/week calendar and the meetings as .ics: each within the
/// user's access — a manager plans for themselves on what they see, a team lead for the team; the calendar is one's own,
/// or a leader's team's; a meeting on a deal is its next step.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class AgendaAndQuickTasks : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
        // The test's clock: nine in the morning in the department's zone, so today has room for the day's plans.
        var zone = H.Get<CrmOptions>().TimeZone;
        var local = TimeZoneInfo.ConvertTimeFromUtc(H.Time.GetUtcNow().UtcDateTime, zone);
        var nine = local.Date.AddHours(local.Hour < 9 ? 9 : 33);
        H.Time.SetUtcNow(TimeZoneInfo.ConvertTimeToUtc(nine, zone));
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private DateTime Now => H.Time.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task AMeetingOnADealIsItsNextStepAndShowsInMyDayTheCalendarAndAsIcs()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var tasks = H.Get<TaskService>();
        var id = await tasks.PlanAsync(new TaskPlan(TaskKind.Meeting, "Защита КП у финдиректора", Now.AddHours(5), DealId: deal.Id, DurationMinutes: 90,
            Place: "Офис клиента, переговорная 3"));

        var saved = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == id));
        Assert.Equal((m1.ManagerId, m1.ManagerId, deal.ClientId, 90), (saved.AssigneeId, saved.AuthorId, saved.ClientId!.Value, saved.DurationMinutes));
        var card = await H.Get<DealService>().GetCardAsync(deal.Id);
        Assert.Equal(id, card.NextStep!.TaskId);

        var agenda = H.Get<AgendaService>();
        var day = await agenda.MyDayAsync();
        var today = Assert.Single(day.Today, i => i.Id == id);
        Assert.Equal((AgendaItemKind.Meeting, Now.AddHours(6.5)), (today.Kind, today.EndsAt));
        Assert.All(day.Today, i => Assert.Equal(m1.ManagerId, i.AssigneeId));
        Assert.All(day.Overdue, i => Assert.True(i.IsOverdue && i.AssigneeId == m1.ManagerId));

        var week = await agenda.CalendarAsync(new AgendaQuery(agenda.Today, 7));
        Assert.Contains(week.Items, i => i.Id == id && i.Kind == AgendaItemKind.Meeting);
        Assert.Equal([m1.ManagerId], week.Shown);

        var (name, ics) = await agenda.MeetingFileAsync(id, "https://crm.example");
        Assert.Equal($"meeting-{id}.ics", name);
        var unfolded = ics.Replace("\r\n ", "");
        Assert.Contains($"UID:task-{id}@salescrm", unfolded);
        Assert.Contains("DTSTART:" + Now.AddHours(5).ToString("yyyyMMdd'T'HHmmss'Z'"), unfolded);
        Assert.Contains("LOCATION:Офис клиента\\, переговорная 3", unfolded);
        Assert.Contains($"URL:https://crm.example/deals/{deal.Id}", unfolded);
        Assert.Contains($"UID:task-{id}@salescrm", (await agenda.MeetingsFileAsync(new AgendaQuery(agenda.Today, 1), "https://crm.example")).Replace("\r\n ", ""));

        // Another team's manager can neither download it nor see the calendar it is in.
        var m5 = await H.User.SignInAsAsync("m5@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<AgendaService>().MeetingFileAsync(id, "https://crm.example"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7, AssigneeId: m1.ManagerId)));
        Assert.DoesNotContain((await H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7))).Items, i => i.Id == id);
        Assert.Equal([m5.ManagerId], (await H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7))).Shown);

        // The team lead sees the team's week by default, and the head a team they choose.
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var team = await H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7));
        Assert.Contains(team.Items, i => i.Id == id);
        Assert.All(team.Shown, p => Assert.True(p == lead.ManagerId || lead.CanSeeOwner(p)));
        Assert.DoesNotContain(m5.ManagerId, team.Shown);
        var otherTeam = await H.QueryAsync(db => db.Managers.Where(m => m.Id == m5.ManagerId).Select(m => m.TeamId!.Value).SingleAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7, TeamId: otherTeam)));
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Contains(m5.ManagerId, (await H.Get<AgendaService>().CalendarAsync(new AgendaQuery(agenda.Today, 7, TeamId: otherTeam))).Shown);
    }

    [Fact]
    public async Task APlanTheRulesRefuseIsNotWrittenAndSaysWhyInRussian()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var tasks = H.Get<TaskService>();
        var before = await H.QueryAsync(db => db.Tasks.CountAsync());

        var noClient = await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.Meeting, "Встреча", Now.AddDays(1))));
        Assert.Equal("ClientId", noClient.Field);
        var tooLong = await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.Meeting, "Встреча", Now.AddDays(1), deal.Id, DurationMinutes: 9 * 60)));
        Assert.Equal("DurationMinutes", tooLong.Field);
        var past = await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.General, "Отчёт", Now.AddHours(-2))));
        Assert.Equal("DueAt", past.Field);
        var noDue = await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.General, "Отчёт", null)));
        Assert.Equal("DueAt", noDue.Field);
        await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.General, "  ", Now.AddDays(1))));
        await Assert.ThrowsAsync<DomainException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.DataFix, "Исправить", Now.AddDays(1))));

        // A manager plans only for themselves; a deal of another team is not theirs to plan on.
        var m2 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.General, "Помочь", Now.AddDays(1), AssigneeId: m2)));
        var foreign = await H.DealAtAsync("m5@demo.salescrm", StageCode.Qualification);
        await Assert.ThrowsAsync<AccessDeniedException>(() => tasks.PlanAsync(new TaskPlan(TaskKind.FollowUp, "Позвонить", Now.AddDays(1), foreign.Id)));
        Assert.Equal(before, await H.QueryAsync(db => db.Tasks.CountAsync()));

        // The team lead gives the team a task; one about a deal goes to its owner, not to a colleague it is hidden from.
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var leadTasks = H.Get<TaskService>();
        var given = await leadTasks.PlanAsync(new TaskPlan(TaskKind.General, "Подготовить разбор звонков", Now.AddDays(2), AssigneeId: m2));
        Assert.Equal(m2, await H.QueryAsync(db => db.Tasks.Where(t => t.Id == given).Select(t => t.AssigneeId).SingleAsync()));
        var wrong = await Assert.ThrowsAsync<DomainException>(() => leadTasks.PlanAsync(new TaskPlan(TaskKind.FollowUp, "Позвонить ЛПР", Now.AddDays(1), deal.Id, AssigneeId: m2)));
        Assert.Equal("AssigneeId", wrong.Field);
        await leadTasks.PlanAsync(new TaskPlan(TaskKind.FollowUp, "Позвонить ЛПР", Now.AddDays(1), deal.Id, AssigneeId: m1.ManagerId));
        Assert.Equal(before + 2, await H.QueryAsync(db => db.Tasks.CountAsync()));
    }

    [Fact]
    public async Task MyDayListsTheOverdueTheNewLeadsAndTheRequestsWaiting()
    {
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var id = await H.Get<TaskService>().PlanAsync(new TaskPlan(TaskKind.Callback, "Перезвонить бухгалтеру", Now.AddMinutes(30)));
        H.Time.Advance(TimeSpan.FromDays(1));
        var day = await H.Get<AgendaService>().MyDayAsync();
        Assert.Contains(day.Overdue, i => i.Id == id && i.IsOverdue);
        Assert.DoesNotContain(day.Today, i => i.Id == id);
        var midnight = TimeZoneInfo.ConvertTimeToUtc(day.Date.ToDateTime(TimeOnly.MinValue), H.Get<CrmOptions>().TimeZone);
        Assert.Equal(await H.QueryAsync(db => db.Tasks.CountAsync(t => t.AssigneeId == m1.ManagerId && t.Status == TaskState.Open && t.DueAt < midnight)),
            day.OverdueTotal);
        Assert.Equal(await H.QueryAsync(db => db.Leads.CountAsync(l => l.AssigneeId == m1.ManagerId && l.Status == SalesCrm.Domain.Leads.LeadStatus.New)),
            day.NewLeadsTotal);
        Assert.False(day.RequestsAreForMe);
        Assert.All(day.Requests, r => Assert.Equal(m1.ManagerId, r.RequesterId));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var leadDay = await H.Get<AgendaService>().MyDayAsync();
        Assert.True(leadDay.RequestsAreForMe);
        Assert.All(leadDay.Requests, r => Assert.True(r.CanDecide));
    }
}
