using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Approvals;
using SalesCrm.Data.Coaching;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Data.Leads;
using SalesCrm.Data.Quality;
using SalesCrm.Data.Renewals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The demo dataset, generated at the instants where the calendar is most treacherous (and now), holds what the pages, the
/// walkthroughs and the other tests rely on — read through the app's own services where a page shows it. The generator
/// samples at random; these are the cases it must hold whatever the sample and the day.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class DemoDataInvariants
{
    public static TheoryData<string> Instants()
    {
        var rows = BoundaryInstants.Rows();
        rows.Add("now");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Instants))]
    public async Task TheDemoHoldsWhatThePagesAndTheTestsNeed(string moscowTime)
    {
        var at = moscowTime == "now"
            ? TimeProvider.System.GetUtcNow()
            : BoundaryInstants.Utc(DateTime.ParseExact(moscowTime, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await using var h = await ServiceHarness.CreateAsync($"Data Source={Paths.NewFile(".db")}", at: at);
        await new DemoDataGenerator(h.Db, h.Time).GenerateAsync(TestDatabase.Scale, TestContext.Current.CancellationToken);
        var now = at.UtcDateTime;
        var options = h.Get<CrmOptions>();
        var zone = options.TimeZone;
        var today = options.Today(now);
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, zone);

        var sellers = await h.QueryAsync(db => db.Managers.AsNoTracking().Where(m => m.Role == StaffRole.Manager).ToListAsync());
        Assert.Equal(8, sellers.Count);
        var thresholds = await h.QueryAsync(db => db.Stages.AsNoTracking().ToDictionaryAsync(s => s.Code, s => s.StuckAfterDays));
        var open = await h.QueryAsync(db => db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .Select(d => new { d.OwnerId, d.Stage, d.StageEnteredAt, d.ApprovalState }).ToListAsync());
        var plans = await h.QueryAsync(db => db.Plans.AsNoTracking().ToListAsync());
        var quarterMonths = ReportingPeriod.Containing(PeriodKind.Quarter, now, zone).Months().ToList();
        foreach (var seller in sellers)
        {
            // Every seller has two deals free to move in every open stage (the pipeline, the deal card and most tests move them).
            foreach (var stage in StageCodes.Open)
                Assert.True(open.Count(d => d.OwnerId == seller.Id && d.Stage == stage && d.ApprovalState != ApprovalState.Pending) >= 2,
                    $"{seller.Email}: fewer than two open deals at {stage}");
            Assert.Contains(open, d => d.OwnerId == seller.Id && (now - d.StageEnteredAt).TotalDays > thresholds[d.Stage]);
            Assert.All(quarterMonths, m => Assert.Contains(plans, p => p.ManagerId == seller.Id && (p.Year, p.Month) == m));
        }
        var m3 = await h.QueryAsync(db => db.Managers.AsNoTracking().Include(m => m.Absences).SingleAsync(m => m.Email == "m3@demo.salescrm"));
        Assert.Contains(m3.Absences, a => a.From > today);   // the distribution skips m3 on vacation in the coming weeks

        // Stage entries in the month and the quarter before (the conversion figures compare them).
        var previousMonth = month.Previous(zone);
        var previousQuarter = ReportingPeriod.Containing(PeriodKind.Quarter, now, zone).Previous(zone);
        foreach (var period in new[] { previousMonth, previousQuarter })
            Assert.True(await h.QueryAsync(db => db.DealStageChanges.AnyAsync(c => c.At >= period.FromUtc && c.At < period.ToUtc)));

        // Team 2 distributes by hand and has fresh leads in its queue; its rituals lapsed, team 1 keeps them (read before any
        // page below is opened, since opening the dashboard is itself a ritual).
        await h.User.SignInAsAsync("lead2@demo.salescrm");
        var queue = await h.Get<LeadService>().ListAsync(new LeadListQuery { View = LeadView.Queue });
        Assert.True(queue.Total >= 4);
        Assert.Equal(DiagnosticStatus.Triggered, Trigger(await h.Get<DiagnosticsService>().ReportAsync(null), TriggerCodes.DecisionsWithoutData).Status);
        await h.User.SignInAsAsync("lead@demo.salescrm");
        var team1 = await h.Get<DiagnosticsService>().ReportAsync(null);
        Assert.Equal(DiagnosticStatus.Ok, Trigger(team1, TriggerCodes.DecisionsWithoutData).Status);
        Assert.Equal(DiagnosticStatus.Ok, Trigger(team1, TriggerCodes.NoWeeklyPack).Status);
        Assert.Equal(DiagnosticStatus.Ok, Trigger(team1, TriggerCodes.BoardUnwatched).Status);

        foreach (var (leadEmail, teamName) in new[] { ("lead@demo.salescrm", "Команда 1"), ("lead2@demo.salescrm", "Команда 2") })
        {
            var lead = await h.User.SignInAsAsync(leadEmail);
            var team = lead.TeamId!.Value;
            var teamSellers = sellers.Where(s => s.TeamId == team).ToList();

            // Approvals: requests waiting for the team lead (within the SLA) and for the head; one approved through underwriting.
            var pending = await h.Get<ApprovalService>().ListAsync(ApprovalView.Pending);
            Assert.True(pending.Count(r => r.Level == ApprovalLevel.TeamLead && !r.IsOverdue) >= 2, $"{teamName}: no requests waiting for the team lead");
            Assert.Contains(pending, r => r.Level == ApprovalLevel.Head);
            Assert.True(await h.QueryAsync(db => db.ApprovalRequests.AnyAsync(a => a.InvolvesUnderwriting && a.State == ApprovalRequestState.Approved
                && db.Deals.Any(d => d.Id == a.DealId && d.Owner!.TeamId == team))), $"{teamName}: nothing approved through underwriting");

            // The dashboard: stuck deals and a plan for the month and the quarter.
            var dashboard = await h.Get<DashboardService>().LoadAsync(null, month, new AttentionFilter());
            Assert.NotEmpty(dashboard.Stuck);
            Assert.True(dashboard.MonthForecast.PlanKopecks > 0 && dashboard.QuarterForecast.PlanKopecks > 0);

            // Coaching of the month before: every manager won a deal from that month's proposals.
            var coaching = await h.Get<CoachingService>().TeamAsync(null, previousMonth);
            Assert.All(coaching.Managers, m => Assert.True(m.Current.ProposalWon > 0, $"{m.Manager.Email}: nothing won from last month's proposals"));

            // Renewals: every seller has a contract ending in each horizon; a calm one (no complaint, not red) within 30 days.
            foreach (var seller in teamSellers)
            {
                await h.User.SignInAsAsync(seller.Email);
                var renewals = await h.Get<RenewalService>().ListAsync(90);
                foreach (var horizon in options.Renewals.HorizonsDays)
                    Assert.Contains(renewals, r => r.DaysLeft <= horizon && r.DaysLeft > horizon - 30);
                Assert.Contains(renewals, r => r.DaysLeft <= 30 && !r.Churn.RedZone
                    && r.Churn.Factors.All(f => f.Factor is not (ChurnFactor.Complaints or ChurnFactor.DecisionMakerChange)));
                var leads = await h.Get<LeadService>().ListAsync(new LeadListQuery { View = LeadView.All });
                Assert.True(leads.Total > 0, $"{seller.Email} has no leads");
            }

            // Data quality shows a proposal sent before its approval came back.
            await h.User.SignInAsAsync(leadEmail);
            var quality = await h.Get<QualityService>().ReportAsync(null);
            Assert.Contains(quality.Findings, f => f.Rule == QualityRule.ProposalSentWithoutApproval);
        }
    }

    private static TriggerResult Trigger(DiagnosticsReport report, string code) =>
        report.Blocks.SelectMany(b => b.Triggers).Single(t => t.Trigger.Code == code);
}
