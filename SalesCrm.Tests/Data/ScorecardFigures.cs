using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Coaching;
using SalesCrm.Data.Common;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The coaching scorecard on a hand-built team in March 2026 (Moscow): every figure computed by hand from docs/features.md's
/// definitions, then read through CoachingService from the real database.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ScorecardFigures : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;
    private int _a, _b;

    public async ValueTask InitializeAsync()
    {
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
        await BuildAsync();
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    /// <summary>Moscow wall time on a day of 2026 → UTC.</summary>
    private static DateTime Msk(int month, int day, int hour = 12, int minute = 0) => new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-3);

    private ReportingPeriod March => ReportingPeriod.Month(2026, 3, H.Get<CrmOptions>().TimeZone);

    private async Task BuildAsync()
    {
        await using var db = H.Db();
        var team = new Team("Команда для скоркарты");
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        var ids = new Dictionary<string, int>();
        foreach (var (email, role) in new[] { ("coach@score.test", StaffRole.TeamLead), ("a@score.test", StaffRole.Manager), ("b@score.test", StaffRole.Manager) })
        {
            var user = new AppUser { UserName = email, Email = email };
            db.Users.Add(user);
            var manager = new Manager(user.Id, email, email, role, team.Id, Msk(1, 1).AddYears(-2));
            db.Managers.Add(manager);
            await db.SaveChangesAsync();
            ids[email] = manager.Id;
        }
        _a = ids["a@score.test"];
        _b = ids["b@score.test"];
        var product = await db.Products.FirstAsync();
        var client = new Client("ООО «Скоркарта»", Inn.Parse("7707083893"), null, "Производство", "Москва", ClientSegment.Medium, _a, Msk(1, 1));
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        var stages = await db.Stages.ToDictionaryAsync(s => s.Code);

        Deal Deal(int owner, long rubles, DateTime created, params (StageCode Stage, DateTime At)[] moves)
        {
            var deal = new Deal(client.Id, product.Id, owner, Money.FromRubles(rubles), created.AddDays(60), stages[StageCode.New], owner, created);
            deal.PrepareProposal(created.AddDays(90), Money.FromRubles(rubles), created);
            foreach (var (stage, at) in moves)
                deal.MoveToStage(stages[stage], owner, at, stage == StageCode.Lost ? LossReason.Price : null);
            db.Deals.Add(deal);
            return deal;
        }

        // Manager A.
        Deal(_a, 1_000_000, Msk(2, 10), (StageCode.ProposalSent, Msk(3, 2)), (StageCode.Won, Msk(3, 20)));        // March cohort, won; cycle 38 days
        Deal(_a, 400_000, Msk(3, 1), (StageCode.ProposalSent, Msk(3, 5)), (StageCode.Lost, Msk(3, 25)));          // March cohort, lost on price
        Deal(_a, 600_000, Msk(1, 5), (StageCode.ProposalSent, Msk(2, 15)), (StageCode.Won, Msk(3, 10)));          // February cohort, won in March; cycle 64 days
        Deal(_a, 300_000, Msk(3, 3), (StageCode.ProposalSent, Msk(3, 8)));                                          // March cohort, open
        Deal(_a, 200_000, Msk(3, 4), (StageCode.ProposalSent, Msk(2, 27).AddDays(9)), (StageCode.Negotiation, Msk(3, 12)),
            (StageCode.ProposalSent, Msk(4, 2)));                                                                    // March cohort (first arrival 8 March), back in April
        // Manager B.
        Deal(_b, 500_000, Msk(3, 1), (StageCode.ProposalSent, Msk(3, 2)), (StageCode.Won, Msk(3, 15)));           // March cohort, won; cycle 14 days

        Activity Call(int author, DateTime at, bool missed = false) =>
            Activity.FromCall($"score-{author}-{at:MMddHHmm}-{missed}", missed ? ActivityDirection.Inbound : ActivityDirection.Outbound, at, missed ? 0 : 300,
                missed, null, author, null, client.Id, null, at);
        for (var day = 2; day <= 6; day++) db.Activities.Add(Call(_a, Msk(3, day, 11)));                             // five calls
        db.Activities.Add(Call(_a, Msk(3, 9, 11), missed: true));                                                     // a missed call is no contact
        db.Activities.Add(new Activity(ActivityKind.Meeting, Msk(3, 10, 15), _a, null, client.Id, null, ActivityDirection.None, 60, null, "Встреча", null, Msk(3, 10, 16)));
        db.Activities.Add(new Activity(ActivityKind.Meeting, Msk(3, 17, 15), _a, null, client.Id, null, ActivityDirection.None, 60, null, "Встреча", null, Msk(3, 17, 16)));
        db.Activities.Add(new Activity(ActivityKind.Email, Msk(3, 18, 15), _a, null, client.Id, null, ActivityDirection.Outbound, 0, null, "Письмо", null, Msk(3, 18, 16)));
        db.Activities.Add(Call(_a, Msk(2, 20, 11)));                                                                  // February
        db.Activities.Add(Call(_b, Msk(3, 3, 11)));
        db.Activities.Add(Call(_b, Msk(3, 4, 11)));

        // Leads of A: 5 and 30 minutes to the first contact (Monday and Tuesday, within working hours), one never contacted.
        Lead Lead(DateTime created, DateTime? contact)
        {
            var lead = new Lead(LeadChannel.Website, "ООО «Лид»", null, null, "+7 495 123-45-67", null, null, "Москва", null, null, null, created);
            lead.AssignTo(_a, AssignmentReason.Territory, null, null, "territory", created);
            if (contact is { } c) lead.RecordContact(c);
            db.Leads.Add(lead);
            return lead;
        }
        Lead(Msk(3, 2, 10), Msk(3, 2, 10, 5));
        Lead(Msk(3, 3, 10), Msk(3, 3, 10, 30));
        Lead(Msk(3, 4, 10), null);

        // Tasks of A: on time, late, still open past due, cancelled, due in April.
        db.Tasks.Add(TaskItem.FromHistory(TaskKind.FollowUp, "Вовремя", _a, _a, Msk(3, 10), null, client.Id, Msk(3, 1), Msk(3, 9)));
        db.Tasks.Add(TaskItem.FromHistory(TaskKind.FollowUp, "С опозданием", _a, _a, Msk(3, 12), null, client.Id, Msk(3, 1), Msk(3, 14)));
        db.Tasks.Add(TaskItem.FromHistory(TaskKind.FollowUp, "Не сделана", _a, _a, Msk(3, 20), null, client.Id, Msk(3, 1), null));
        var cancelled = TaskItem.FromHistory(TaskKind.FollowUp, "Отменена", _a, _a, Msk(3, 25), null, client.Id, Msk(3, 1), null);
        cancelled.Cancel(Msk(3, 2));
        db.Tasks.Add(cancelled);
        db.Tasks.Add(TaskItem.FromHistory(TaskKind.FollowUp, "В апреле", _a, _a, Msk(4, 2), null, client.Id, Msk(3, 1), null));

        db.Plans.Add(new Plan(_a, 2026, 3, Money.FromRubles(2_000_000)));
        db.Plans.Add(new Plan(_b, 2026, 3, Money.FromRubles(1_000_000)));
        db.Plans.Add(new Plan(_a, 2026, 2, Money.FromRubles(9_999_999)));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task EveryFigureOfAManagerFollowsItsDefinition()
    {
        await H.User.SignInAsAsync("coach@score.test");
        var page = await H.Get<CoachingService>().ManagerAsync(_a, March);
        var a = page.Current;

        // Proposal→contract: the March cohort is four deals (the one that came back to the stage in April counts once); one is won.
        Assert.Equal(4, a.ProposalCohort);
        Assert.Equal(1, a.ProposalWon);
        Assert.Equal(0.25, a.ProposalToContract);
        // Win rate and cycle over the deals closed in March: two won (38 and 64 days), one lost.
        Assert.Equal(2, a.Won);
        Assert.Equal(1, a.Lost);
        Assert.Equal(2.0 / 3, a.WinRate!.Value, 9);
        Assert.Equal(51, a.AverageCycleDays!.Value, 9);
        Assert.Equal([new LossReasonCount(LossReason.Price, 1)], a.LossReasons);
        // Five calls (the missed one does not count, nor the e-mail) and two meetings over the 31/7 weeks of March.
        Assert.Equal(5, a.Calls);
        Assert.Equal(2, a.Meetings);
        Assert.Equal(5 / (31 / 7.0), a.CallsPerWeek, 9);
        Assert.Equal(2 / (31 / 7.0), a.MeetingsPerWeek, 9);
        // Response time: the median of 5 and 30 minutes; one of the two over the 10-minute target.
        Assert.Equal(2, a.Responses);
        Assert.Equal(17.5, a.MedianResponseMinutes!.Value, 6);
        Assert.Equal(0.5, a.OverTargetShare);
        // Overdue: the late one and the one never done; not the cancelled one, not April's.
        Assert.Equal(2, a.OverdueTasks);
        // Plan attainment: 1 600 000 ₽ won of a 2 000 000 ₽ plan.
        Assert.Equal(160_000_000, a.WonPremiumKopecks);
        Assert.Equal(200_000_000, a.PlanKopecks);
        Assert.Equal(0.8, a.PlanAttainment!.Value, 9);

        // The previous period (February): one deal reached the proposal and it is won now; nothing closed; one call.
        var before = page.Previous;
        Assert.Equal(1, before.ProposalCohort);
        Assert.Equal(1.0, before.ProposalToContract);
        Assert.Null(before.WinRate);
        Assert.Null(before.AverageCycleDays);
        Assert.Equal(1, before.Calls);
        Assert.Equal(0, before.PlanAttainment);

        // The team average is the mean over the two managers (the team lead is the coach, not a seller).
        var team = page.TeamAverage;
        Assert.Equal((0.25 + 1.0) / 2, team.ProposalToContract!.Value, 9);
        Assert.Equal((2.0 / 3 + 1.0) / 2, team.WinRate!.Value, 9);
        Assert.Equal((51 + 14) / 2.0, team.AverageCycleDays!.Value, 9);
        Assert.Equal((0.8 + 0.5) / 2, team.PlanAttainment!.Value, 9);
        Assert.Equal((5 + 2) / 2.0 / (31 / 7.0), team.CallsPerWeek, 9);
        Assert.Equal(17.5, team.MedianResponseMinutes!.Value, 6); // B had no leads: no figure, no zero in the mean

        // The trend ends with March and shows the same figures.
        Assert.Equal(CoachingService.TrendMonths, page.Trend.Count);
        Assert.Equivalent(a, page.Trend[^1].Manager, strict: true);
    }

    [Fact]
    public async Task TheTeamCardsHoldTheSellersWithTheSameFigures()
    {
        await H.User.SignInAsAsync("coach@score.test");
        var team = await H.Get<CoachingService>().TeamAsync(null, March);
        Assert.Equal([_a, _b], team.Managers.Select(m => m.Manager.Id).Order());
        var b = team.Managers.Single(m => m.Manager.Id == _b).Current;
        Assert.Equal(1.0, b.ProposalToContract);
        Assert.Equal(14, b.AverageCycleDays!.Value, 9);
        Assert.Equal(0.5, b.PlanAttainment!.Value, 9);
        Assert.Equal(0, b.OverdueTasks);
        Assert.Null(b.MedianResponseMinutes);
        Assert.Equal(0.25, team.Managers.Single(m => m.Manager.Id == _a).Current.ProposalToContract);
    }
}
