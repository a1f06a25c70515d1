using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The team lead's work with leads: queue, assignment with a reason, hand-over before a vacation, speed-to-lead alerts, qualification.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class LeadWorkflow : IAsyncLifetime
{
    private static int _seq = Random.Shared.Next(1_000_000, 9_000_000);

    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<int> IdOfAsync(string email) => H.QueryAsync(db => db.Managers.Where(m => m.Email == email).Select(m => m.Id).SingleAsync());

    private async Task<IntakeResult> SubmitAsync(string region, string? company = null)
    {
        var n = Interlocked.Increment(ref _seq).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        return await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission(company ?? $"ООО «Лид {n}»", Inn.Complete("77" + n), "Сидоров Олег", null, null, null, null, region, null, null, null),
            new IntakeSource(null, "Тест", null, LeadChannel.Website), null);
    }

    [Fact]
    public async Task TheTeamLeadReassignsWithAReasonAndTheNewOwnerIsNotified()
    {
        var created = await SubmitAsync("Москва");
        var m1 = await IdOfAsync("m1@demo.salescrm");
        var m2 = await IdOfAsync("m2@demo.salescrm");
        Assert.Equal(m1, created.AssignedTo);
        var id = created.LeadId!.Value;

        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<AssignmentService>().AssignLeadsAsync([id], m2, AssignmentReason.ManagerOverloaded, null));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var leads = H.Get<LeadService>();
        var other = await Assert.ThrowsAsync<DomainException>(() => H.Get<AssignmentService>().AssignLeadsAsync([id], m2, AssignmentReason.Other, " "));
        Assert.Contains("Другое", other.Message);

        H.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await H.Get<AssignmentService>().AssignLeadsAsync([id], m2, AssignmentReason.ManagerOverloaded, "Петров в командировке"));
        var detail = await leads.DetailAsync(id);
        Assert.Equal(m2, detail.Lead.AssigneeId);
        Assert.Equal(2, detail.Assignments.Count);
        var last = detail.Assignments.OrderByDescending(a => a.At).First();
        Assert.Equal(AssignmentReason.ManagerOverloaded, last.Reason);
        Assert.Equal("Петров в командировке", last.Comment);
        Assert.NotNull(last.By);
        Assert.NotNull(last.From);
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == m2 && n.Kind == NotificationKind.Assignment
            && n.Title.Contains("Вам передан лид") && n.Body!.Contains("Петров в командировке"))));

        // Another team's manager is out of reach for this team lead.
        var m5 = await IdOfAsync("m5@demo.salescrm");
        await Assert.ThrowsAnyAsync<Exception>(() => H.Get<AssignmentService>().AssignLeadsAsync([id], m5, AssignmentReason.Territory, null));
        Assert.Equal(m2, (await leads.DetailAsync(id)).Lead.AssigneeId);
    }

    [Fact]
    public async Task AQueueTeamHoldsNewLeadsForTheTeamLeadWhoAssignsThemByTheRules()
    {
        var created = await SubmitAsync("Санкт-Петербург");
        Assert.Null(created.AssignedTo);
        var lead2 = await IdOfAsync("lead2@demo.salescrm");
        var m5 = await IdOfAsync("m5@demo.salescrm");
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == lead2 && n.Title.Contains("в очереди"))));

        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var leads = H.Get<LeadService>();
        var queue = await leads.ListAsync(new LeadListQuery { View = LeadView.Queue, PageSize = 200 });
        Assert.Contains(queue.Items, r => r.Id == created.LeadId);
        var suggestion = await H.Get<AssignmentService>().SuggestAsync(created.LeadId!.Value);
        Assert.Equal(m5, suggestion!.Manager.ManagerId);

        await H.Get<AssignmentService>().AssignLeadsAsync([created.LeadId!.Value], null, AssignmentReason.NewClient, null);
        var detail = await leads.DetailAsync(created.LeadId!.Value);
        Assert.Equal(m5, detail.Lead.AssigneeId);
        Assert.StartsWith("территория: Санкт-Петербург", detail.Assignments.Single().Rule);

        // The head switches the team to automatic: the next lead is assigned on arrival.
        await H.User.SignInAsAsync("head@demo.salescrm");
        var team2 = (await H.Get<AssignmentService>().TeamSettingsAsync()).Single(t => !t.AutoAssign).TeamId;
        await H.Get<AssignmentService>().SetAutoAssignAsync(team2, true);
        Assert.Equal(m5, (await SubmitAsync("Санкт-Петербург")).AssignedTo);
    }

    [Theory]
    [InlineData("construction", "Москва")]
    [InlineData("d-and-o", "Санкт-Петербург")]
    [InlineData("cargo", "Казань")]
    public async Task TheSuggestedManagerIsTheOneTheRulesThenPick(string product, string region)
    {
        var n = Interlocked.Increment(ref _seq).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        var created = await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission($"ООО «Сложный {n}»", Inn.Complete("77" + n), "Сидоров Олег", null, null, product, null, region, null, null, null),
            new IntakeSource(null, "Тест", null, LeadChannel.Website), null);
        await H.User.SignInAsAsync("head@demo.salescrm");
        var leads = H.Get<LeadService>();
        var suggestion = await H.Get<AssignmentService>().SuggestAsync(created.LeadId!.Value);

        await H.Get<AssignmentService>().AssignLeadsAsync([created.LeadId!.Value], null, AssignmentReason.NewClient, null);

        var detail = await leads.DetailAsync(created.LeadId!.Value);
        Assert.Equal(suggestion!.Manager.ManagerId, detail.Lead.AssigneeId);
        Assert.Equal(suggestion.Explanation, detail.Assignments.Last().Rule);
    }

    [Fact]
    public async Task BeforeAVacationAllOpenWorkGoesToColleaguesWithTheReason()
    {
        var m3 = await IdOfAsync("m3@demo.salescrm");
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var (leads, deals, _) = await H.Get<AssignmentService>().RedistributeAsync(m3, AssignmentReason.Vacation, "Отпуск 1–14 декабря");
        Assert.True(leads + deals > 0);
        Assert.Equal(0, await H.QueryAsync(db => db.Deals.CountAsync(d => d.OwnerId == m3 && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)));
        Assert.Equal(0, await H.QueryAsync(db => db.Leads.CountAsync(l => l.AssigneeId == m3 && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))));
        var moved = await H.QueryAsync(db => db.Assignments.Where(a => a.FromManagerId == m3 && a.Reason == AssignmentReason.Vacation).ToListAsync());
        Assert.Equal(leads + deals, moved.Count(a => a.Subject is AssignmentSubject.Lead or AssignmentSubject.Deal));
        Assert.All(moved, a => Assert.Equal("Отпуск 1–14 декабря", a.Comment));
        Assert.All(moved, a => Assert.NotEqual(m3, a.ToManagerId));
    }

    [Fact]
    public async Task SpeedToLeadAlertsTheAssigneeAtFiveAndTheTeamLeadAtTenWorkingMinutesOnce()
    {
        // A working Monday a week or more ahead (not a holiday of the production calendar), 10:00 in Moscow (07:00 UTC).
        var now = H.Time.GetUtcNow().UtcDateTime.Date;
        var monday = now.AddDays(((int)DayOfWeek.Monday - (int)now.DayOfWeek + 7) % 7 + 7);
        var calendar = await H.Get<SalesCrm.Data.Calendar.WorkingCalendarSource>().CurrentAsync();
        while (!calendar.IsWorkingDay(DateOnly.FromDateTime(monday))) monday = monday.AddDays(7);
        monday = monday.AddHours(7);
        H.Time.SetUtcNow(monday);
        var created = await SubmitAsync("Москва");
        var id = created.LeadId!.Value;
        var m1 = created.AssignedTo!.Value;
        var teamLead = await IdOfAsync("lead@demo.salescrm");
        var scanner = H.Get<SpeedToLeadScanner>();
        Task<int> AlertsAsync(int recipient) => H.QueryAsync(db => db.Notifications.CountAsync(n => n.RecipientId == recipient
            && n.Kind == NotificationKind.SpeedToLead && n.DedupKey != null && n.DedupKey.EndsWith(":" + id)));

        H.Time.Advance(TimeSpan.FromMinutes(4));
        await scanner.ScanAsync();
        Assert.Equal(0, await AlertsAsync(m1));

        H.Time.Advance(TimeSpan.FromMinutes(2));
        await scanner.ScanAsync();
        Assert.Equal(1, await AlertsAsync(m1));
        Assert.Equal(0, await AlertsAsync(teamLead));

        H.Time.Advance(TimeSpan.FromMinutes(5));
        await scanner.ScanAsync();
        await scanner.ScanAsync();
        Assert.Equal(1, await AlertsAsync(m1));
        Assert.Equal(1, await AlertsAsync(teamLead));

        // A lead that arrives on Friday evening has not waited at all by Saturday: the clock counts working minutes only.
        var friday = monday.AddDays(4).AddHours(10).AddMinutes(55); // 18:55 MSK, five minutes before closing
        H.Time.SetUtcNow(friday);
        var late = await SubmitAsync("Москва");
        H.Time.Advance(TimeSpan.FromHours(15));
        Assert.Equal(0, await scanner.ScanAsync());
        Assert.Equal(0, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.DedupKey == "stl-assignee:" + late.LeadId)));

        // The first contact stops the clock.
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<LeadService>().ContactAsync(late.LeadId!.Value, ActivityKind.Call, "Договорились о встрече");
        H.Time.SetUtcNow(monday.AddDays(7).AddHours(3));
        await scanner.ScanAsync();
        Assert.Equal(0, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.DedupKey == "stl-assignee:" + late.LeadId)));
    }

    [Fact]
    public async Task QualifyingMakesAClientMatchedByInnAndADealDisqualifyingNeedsAReason()
    {
        var created = await SubmitAsync("Москва", "ООО «Квалификация»");
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var leads = H.Get<LeadService>();
        var product = await H.QueryAsync(db => db.Products.Where(p => p.IsActive).Select(p => p.Id).FirstAsync());
        var dealId = await leads.QualifyAsync(created.LeadId!.Value, new QualifyInput(product, 150_000_00, H.Time.GetUtcNow().UtcDateTime.AddMonths(2),
            null, null, "Производство", null, SalesCrm.Domain.Clients.ClientSegment.Medium, "Позвонить ЛПР", H.Time.GetUtcNow().UtcDateTime.AddDays(1),
            "+7 495 765-43-21"));
        var deal = await H.QueryAsync(db => db.Deals.AsNoTracking().Include(d => d.Client).SingleAsync(d => d.Id == dealId));
        Assert.Equal("ООО «Квалификация»", deal.Client!.Name);
        Assert.Equal(created.AssignedTo, deal.OwnerId);
        Assert.Equal(LeadStatus.Qualified, (await leads.DetailAsync(created.LeadId!.Value)).Lead.Status);

        // The same company asks again: it is now a client, not a new lead.
        var again = await H.Get<LeadIntakeService>().SubmitAsync(new LeadSubmission("Квалификация", deal.Client.Inn, null, null, null, null, null, null, null, null, null),
            new IntakeSource(null, "Тест", null, LeadChannel.Website), null);
        Assert.Equal(IntakeOutcome.ExistingClient, again.Outcome);
        Assert.Equal(deal.ClientId, again.ClientId);

        var other = await SubmitAsync("Москва");
        await Assert.ThrowsAsync<DomainException>(() => leads.DisqualifyAsync(other.LeadId!.Value, " "));
        await leads.DisqualifyAsync(other.LeadId!.Value, "Нет потребности");
        Assert.Equal(LeadStatus.Disqualified, (await leads.DetailAsync(other.LeadId!.Value)).Lead.Status);
    }
}
