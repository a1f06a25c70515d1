using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The eight blocks on the demo data: figures against direct queries, access, rituals recorded.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class DiagnosticsOnDemoData : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private static TriggerResult Trigger(DiagnosticsReport r, string code) => r.Blocks.SelectMany(b => b.Triggers).Single(t => t.Trigger.Code == code);

    [Fact]
    public async Task EightBlocksWithFiguresThatMatchTheirDefinitions()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var report = await H.Get<DiagnosticsService>().ReportAsync(null);
        Assert.Equal(Enumerable.Range(1, 8), report.Blocks.Select(b => b.Block.Number));
        Assert.All(report.Blocks, b => Assert.Equal(DiagnosticPolicy.BlockStatus(b.Triggers.Select(t => t.Status)), b.Status));

        var now = H.Time.GetUtcNow().UtcDateTime;
        var team = me.TeamMemberIds;
        var open = await H.QueryAsync(db => db.Deals.CountAsync(d => team.Contains(d.OwnerId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost));
        var without = await H.QueryAsync(db => db.Deals.CountAsync(d => team.Contains(d.OwnerId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost
            && !db.Tasks.Any(t => t.DealId == d.Id && t.Status == TaskState.Open && t.DueAt > now && TaskItem.NextStepKinds.Contains(t.Kind))));
        var noNextStep = Trigger(report, TriggerCodes.NoNextStep);
        Assert.Equal((double)without / open, noNextStep.Value!.Value, 9);
        // The demo seeds deals without a next step well above 10 %: block 2 is triggered.
        Assert.Equal(DiagnosticStatus.Triggered, noNextStep.Status);
        Assert.Equal(DiagnosticStatus.Triggered, report.Blocks.Single(b => b.Block.Number == 2).Status);

        var openTasks = await H.QueryAsync(db => db.Tasks.Where(t => t.Status == TaskState.Open && team.Contains(t.AssigneeId)).Select(t => t.DueAt).ToListAsync());
        Assert.Equal((double)openTasks.Count(d => d < now) / openTasks.Count, Trigger(report, TriggerCodes.OverdueTasks).Value!.Value, 9);

        var hired = await H.QueryAsync(db => db.Managers.CountAsync(m => team.Contains(m.Id) && m.IsActive && m.Role == SalesCrm.Domain.Teams.StaffRole.Manager
            && m.HiredOn > now.AddDays(-90)));
        Assert.Equal(hired, Trigger(report, TriggerCodes.NewManagers).Value);
    }

    [Fact]
    public async Task EachFigureLinksToTheRecordsBehindItsNumber()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var report = await H.Get<DiagnosticsService>().ReportAsync(null);
        var triggers = report.Blocks.SelectMany(b => b.Triggers).ToList();
        // Every figure but the board's last viewing (a setting, not records) opens a filtered list of its scope, not a bare page.
        Assert.All(triggers.Where(t => t.Trigger.Code != TriggerCodes.BoardUnwatched && !t.Trigger.Code.StartsWith("Repeat") && t.Trigger.Code is not
                (TriggerCodes.ClientActivityDrop or TriggerCodes.ChurnRate)),
            t => Assert.Contains("?", t.Link));
        Assert.All(triggers.Where(t => t.Link!.StartsWith("/leads")), t => Assert.Contains($"team={report.TeamId}", t.Link));

        // The leads behind the contact rate are exactly those the figure misses: the same month, team and condition.
        var leads = H.Get<SalesCrm.Data.Leads.LeadService>();
        var contact = Trigger(report, TriggerCodes.ContactRate);
        Assert.Contains("only=notcontacted", contact.Link);
        var (contacted, all) = ((int)contact.Note!.Arguments[0]!, (int)contact.Note.Arguments[1]!);
        var query = new SalesCrm.Data.Leads.LeadListQuery { Period = report.Period, TeamId = report.TeamId, PageSize = 1 };
        Assert.Equal(all, (await leads.ListAsync(query)).Total);
        Assert.Equal(all - contacted, (await leads.ListAsync(query with { Evidence = SalesCrm.Data.Leads.LeadEvidence.NotContacted })).Total);
        Assert.Equal(contacted, (await leads.ListAsync(query with { Evidence = SalesCrm.Data.Leads.LeadEvidence.Contacted })).Total);
        var noSource = Trigger(report, TriggerCodes.NoSource);
        Assert.Equal((int)noSource.Note!.Arguments[0]!, (await leads.ListAsync(query with { Evidence = SalesCrm.Data.Leads.LeadEvidence.NoSource })).Total);
        var lost = Trigger(report, TriggerCodes.LostBeforeContact);
        Assert.Equal((int)lost.Note!.Arguments[0]!, (await leads.ListAsync(query with { Evidence = SalesCrm.Data.Leads.LeadEvidence.LostBeforeContact })).Total);

        // The overdue tasks behind block 4: the team's, overdue.
        var overdue = await H.Get<SalesCrm.Data.Tasks.TaskService>().ListAsync(new SalesCrm.Data.Tasks.TaskListQuery(SalesCrm.Data.Tasks.TaskView.Overdue,
            TeamId: report.TeamId));
        Assert.Equal((int)Trigger(report, TriggerCodes.OverdueTasks).Note!.Arguments[0]!, overdue.Total);
    }

    [Fact]
    public async Task TheDemoTriggersWhatItWasSeededToAndNotTheRest()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var team1 = await H.Get<DiagnosticsService>().ReportAsync(null);
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var team2 = await H.Get<DiagnosticsService>().ReportAsync(null);
        DiagnosticStatus Block(DiagnosticsReport r, int n) => r.Blocks.Single(b => b.Block.Number == n).Status;

        // Seeded: a quarter of the open deals without a next step and client cards with gaps (block 2), in both teams.
        foreach (var r in new[] { team1, team2 })
        {
            Assert.Equal(DiagnosticStatus.Triggered, Block(r, 2));
            Assert.Equal(DiagnosticStatus.Triggered, Trigger(r, TriggerCodes.NoNextStep).Status);
            Assert.Equal(DiagnosticStatus.Triggered, Trigger(r, TriggerCodes.IncompleteClients).Status);
            // Seeded: a manager hired less than three months ago in each team (block 8).
            Assert.Equal(DiagnosticStatus.Triggered, Trigger(r, TriggerCodes.NewManagers).Status);
            // Not seeded: stage contradictions, managers over capacity, hand-typed leads, falling activity with clients.
            Assert.Equal(DiagnosticStatus.Ok, Trigger(r, TriggerCodes.Unreconciled).Status);
            Assert.Equal(DiagnosticStatus.Ok, Trigger(r, TriggerCodes.OverCapacity).Status);
            Assert.NotEqual(DiagnosticStatus.Triggered, Trigger(r, TriggerCodes.ManualLeads).Status);
            Assert.NotEqual(DiagnosticStatus.Triggered, Trigger(r, TriggerCodes.ClientActivityDrop).Status);
        }
        // Seeded: team 1's lead keeps the rituals (board on the TV, daily dashboard, Monday pack); team 2's stopped three weeks ago.
        Assert.Equal(DiagnosticStatus.Ok, Block(team1, 6));
        Assert.Equal(DiagnosticStatus.Triggered, Block(team2, 6));
        Assert.All(team2.Blocks.Single(b => b.Block.Number == 6).Triggers, t => Assert.Equal(DiagnosticStatus.Triggered, t.Status));
        // Seeded: duplicate client cards within team 2.
        Assert.Equal(DiagnosticStatus.Triggered, Trigger(team2, TriggerCodes.Duplicates).Status);
    }

    [Fact]
    public async Task OpeningTheDashboardIsARitualTheDiagnosticsSee()
    {
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var before = Trigger(await H.Get<DiagnosticsService>().ReportAsync(null), TriggerCodes.DecisionsWithoutData);
        Assert.Equal(DiagnosticStatus.Triggered, before.Status);
        var options = H.Get<CrmOptions>();
        await H.Get<DashboardService>().LoadAsync(null, ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, options.TimeZone), new AttentionFilter());
        var after = Trigger(await H.Get<DiagnosticsService>().ReportAsync(null), TriggerCodes.DecisionsWithoutData);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (after.Value!.Value, after.Status));
    }

    [Fact]
    public async Task TheHeadSeesTheDepartmentATeamLeadTheTeamAndAManagerNothing()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Null((await H.Get<DiagnosticsService>().ReportAsync(null)).TeamId);
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.Equal(me.TeamId, (await H.Get<DiagnosticsService>().ReportAsync(null)).TeamId);
        var other = await H.QueryAsync(db => db.Teams.Where(t => t.Id != me.TeamId).Select(t => t.Id).FirstAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<DiagnosticsService>().ReportAsync(other));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<DiagnosticsService>().ReportAsync(null));
    }

    [Fact]
    public async Task TheMonthThatEndedIsStoredOnceAcrossRunsRestartsAndNodes()
    {
        var diagnostics = H.Get<DiagnosticsService>();
        var teams = await H.QueryAsync(db => db.Teams.CountAsync());
        var first = await Task.WhenAll(diagnostics.SnapshotAsync(), H.Get<DiagnosticsService>().SnapshotAsync());
        Assert.Equal(teams + 1, first.Sum());
        Assert.Equal(0, await H.Get<DiagnosticsService>().SnapshotAsync());
        var rows = await H.QueryAsync(db => db.DiagnosticSnapshots.ToListAsync());
        Assert.Equal((teams + 1) * DiagnosticCatalogue.Triggers.Count, rows.Count);
        var options = H.Get<CrmOptions>();
        var lastMonth = ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, options.TimeZone).Previous(options.TimeZone);
        Assert.All(rows, r => Assert.Equal(lastMonth.FirstDateUtc, r.Month));

        // A restart: another service provider on the same database finds the month stored.
        await using (var restarted = await ServiceHarness.CreateAsync(H.User.Contexts!.Create().Database.GetConnectionString()!))
            Assert.Equal(0, await restarted.Get<DiagnosticsService>().SnapshotAsync());
        Assert.Equal(rows.Count, await H.QueryAsync(db => db.DiagnosticSnapshots.CountAsync()));
    }

    [Fact]
    public async Task BeforeComesFromTheSnapshotAndAfterIsMeasuredNow()
    {
        await H.Get<DiagnosticsService>().SnapshotAsync();
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var today = DateOnly.FromDateTime(H.Get<CrmOptions>().Today(H.Time.GetUtcNow().UtcDateTime));   // the department's month
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var diagnostics = H.Get<DiagnosticsService>();
        Assert.Contains(thisMonth.AddMonths(-1), await diagnostics.SnapshotMonthsAsync(null));
        var compare = await diagnostics.CompareAsync(null, thisMonth.AddMonths(-1), thisMonth);
        Assert.True(compare.BeforeStored);
        Assert.False(compare.AfterStored);
        var stored = await H.QueryAsync(db => db.DiagnosticSnapshots.SingleAsync(s => s.TeamId == me.TeamId && s.TriggerCode == TriggerCodes.NoNextStep));
        var row = compare.Rows.Single(r => r.Trigger.Code == TriggerCodes.NoNextStep);
        Assert.Equal(stored.Value, row.Before);
        var live = (await diagnostics.ReportAsync(null)).Blocks.SelectMany(b => b.Triggers).Single(t => t.Trigger.Code == TriggerCodes.NoNextStep);
        Assert.Equal(live.Value, row.After);
    }
}
