using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Data.Quality;
using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// /tasks on the demo data: who sees whose tasks, and a data-fix task that closes only once its record passes the rule.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class TaskListTests : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task AManagerSeesOwnTasksTheLeadTheTeamsAndAColleaguesListIsRefused()
    {
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var tasks = H.Get<TaskService>();
        var own = await tasks.ListAsync(new TaskListQuery());
        Assert.NotEmpty(own.Rows);
        Assert.All(own.Rows, r => Assert.Equal(m1.ManagerId, r.AssigneeId));
        var now = H.Time.GetUtcNow().UtcDateTime;
        Assert.Equal(await H.QueryAsync(db => db.Tasks.CountAsync(t => t.AssigneeId == m1.ManagerId && t.Status == TaskState.Open)), own.Open);
        Assert.Equal(await H.QueryAsync(db => db.Tasks.CountAsync(t => t.AssigneeId == m1.ManagerId && t.Status == TaskState.Open && t.DueAt < now)), own.Overdue);
        var overdue = await tasks.ListAsync(new TaskListQuery(TaskView.Overdue));
        Assert.All(overdue.Rows, r => Assert.True(r.IsOverdue));
        Assert.Equal(own.Overdue, overdue.Total);

        var m5 = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "m5@demo.salescrm"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => tasks.ListAsync(new TaskListQuery(AssigneeId: m5.Id)));
        var someone = (await H.QueryAsync(db => db.Tasks.FirstAsync(t => t.AssigneeId == m5.Id && t.Status == TaskState.Open))).Id;
        await Assert.ThrowsAsync<AccessDeniedException>(() => tasks.CompleteAsync(someone));

        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var team = await H.Get<TaskService>().ListAsync(new TaskListQuery());
        Assert.All(team.Rows, r => Assert.Contains(r.AssigneeId, lead.VisibleOwnerIds!));
        Assert.Contains(team.Rows, r => r.AssigneeId == m1.ManagerId);
        Assert.DoesNotContain(team.Assignees, a => a.Id == m5.Id);
    }

    [Fact]
    public async Task TheListIsPagedOnTheServerAndThePagesTogetherAreTheWholeView()
    {
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var tasks = H.Get<TaskService>();
        var first = await tasks.ListAsync(new TaskListQuery(PageSize: 20));
        Assert.Equal(first.Open, first.Total);
        Assert.True(first.Total > 40, "the demo team has more open tasks than two pages");
        var all = new List<TaskRow>();
        for (var page = 1; page <= (first.Total + 19) / 20; page++)
            all.AddRange((await tasks.ListAsync(new TaskListQuery(Page: page, PageSize: 20))).Rows);
        Assert.Equal(first.Total, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(all.Select(r => r.DueAt).Order(), all.Select(r => r.DueAt));
        // A page past the end shows the last one; the export holds the whole view in the same order.
        var beyond = await tasks.ListAsync(new TaskListQuery(Page: 999, PageSize: 20));
        Assert.Equal(all.TakeLast(beyond.Rows.Count).Select(r => r.Id), beyond.Rows.Select(r => r.Id));
        Assert.Equal(all.Select(r => r.Id), await tasks.ExportAsync(new TaskListQuery()).Select(r => r.Id).ToListAsync());

        var kind = all.GroupBy(r => r.Kind).OrderByDescending(g => g.Count()).First().Key;
        var ofKind = await tasks.ListAsync(new TaskListQuery(Kind: kind, PageSize: 200));
        Assert.Equal(all.Count(r => r.Kind == kind), ofKind.Total);
        Assert.All(ofKind.Rows, r => Assert.Equal(kind, r.Kind));
    }

    [Fact]
    public async Task AnUnderwriterWhoOwnsNoRecordsStillSeesOwnTasks()
    {
        var uw = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "uw@demo.salescrm"));
        var now = H.Time.GetUtcNow().UtcDateTime;
        await using (var db = H.Db())
        {
            db.Tasks.Add(new TaskItem(TaskKind.Approval, "Оценить риск по складу", uw.Id, uw.Id, now.AddDays(1), null, null, null, now));
            await db.SaveChangesAsync();
        }
        await H.User.SignInAsAsync("uw@demo.salescrm");
        var list = await H.Get<TaskService>().ListAsync(new TaskListQuery());
        var row = Assert.Single(list.Rows);
        Assert.Equal("Оценить риск по складу", row.Title);
        await H.Get<TaskService>().CompleteAsync(row.Id);
        Assert.Empty((await H.Get<TaskService>().ListAsync(new TaskListQuery())).Rows);
    }

    [Fact]
    public async Task ADataFixTaskIsNotANextStepAndClosesOnlyOnceTheDealHasOne()
    {
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var now = H.Time.GetUtcNow().UtcDateTime;
        var dealId = await H.QueryAsync(db => db.Deals.Where(d => d.OwnerId == m1.ManagerId).WithoutNextStep(db.Tasks, now)
            .Where(d => d.Stage != SalesCrm.Domain.Deals.StageCode.Won && d.Stage != SalesCrm.Domain.Deals.StageCode.Lost).Select(d => d.Id).FirstAsync());

        // Two of m1's clients with one INN: a duplicate pair for block 2.
        await using (var db = H.Db())
        {
            var two = await db.Clients.Where(c => c.OwnerId == m1.ManagerId).OrderBy(c => c.Id).ToListAsync();
            var (first, second) = (two.First(c => c.HasValidInn), two.Last(c => c.HasValidInn));
            db.Entry(second).Property(c => c.Inn).CurrentValue = first.Inn;
            await db.SaveChangesAsync();
        }
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var before = (await H.Get<DiagnosticsService>().ReportAsync(null)).Blocks[1].Triggers.Single(t => t.Trigger.Code == TriggerCodes.NoNextStep).Value;
        var started = await H.Get<DiagnosticsService>().StartDisciplineWorkAsync(null);
        Assert.True(started.Created > 0);
        var fixTask = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.DealId == dealId && t.Kind == TaskKind.DataFix && t.Status == TaskState.Open));
        Assert.Equal(QualityRule.DealNoNextStep, fixTask.FixRule);
        Assert.Equal(m1.ManagerId, fixTask.AssigneeId);
        // The fix task is due in three days, but it is work on the CRM, not a step with the client: nothing changes.
        var after = (await H.Get<DiagnosticsService>().ReportAsync(null)).Blocks[1].Triggers.Single(t => t.Trigger.Code == TriggerCodes.NoNextStep).Value;
        Assert.Equal(before, after);
        // Every block-2 finding got its task; duplicates go to the lead who merges them.
        var lead = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "lead@demo.salescrm"));
        var findings = (await H.Get<QualityService>().ReportAsync(null)).Findings.Where(f => DiagnosticCatalogue.DisciplineRules.Contains(f.Rule))
            .DistinctBy(f => (f.Rule, f.RecordId)).ToList();
        var given = await H.QueryAsync(db => db.Tasks.Where(t => t.FixRule != null && t.Status == TaskState.Open).ToListAsync());
        Assert.Equal(findings.Count, given.Count);
        foreach (var f in findings)
        {
            var task = Assert.Single(given, t => t.FixRule == f.Rule && (f.Subject == QualitySubject.Deal ? t.DealId == f.RecordId : t.ClientId == f.RecordId));
            Assert.Equal(f.Rule == QualityRule.DuplicateClient ? lead.Id : f.OwnerId, task.AssigneeId);
        }
        Assert.Contains(given, t => t.FixRule == QualityRule.DuplicateClient);
        Assert.Contains(given, t => t.FixRule == QualityRule.ClientNoDecisionMaker);
        Assert.Equal(0, (await H.Get<DiagnosticsService>().StartDisciplineWorkAsync(null)).Created);

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var tasks = H.Get<TaskService>();
        var refused = await Assert.ThrowsAsync<DomainException>(() => tasks.CompleteAsync(fixTask.Id));
        Assert.Contains("Нет следующего шага", refused.Message, StringComparison.Ordinal);
        Assert.Equal(TaskState.Open, (await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == fixTask.Id))).Status);

        var closedNone = await tasks.CloseFixedAsync();
        Assert.Equal(0, closedNone.Closed);
        Assert.True(closedNone.StillOpen > 0);

        await H.Get<DealService>().SetNextStepAsync(dealId, "Позвонить ЛПР", now.AddDays(2));
        var closed = await tasks.CloseFixedAsync();
        Assert.Equal(1, closed.Closed);
        Assert.Equal(closedNone.StillOpen - 1, closed.StillOpen);
        var done = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == fixTask.Id));
        Assert.Equal(TaskState.Done, done.Status);
        await Assert.ThrowsAsync<DomainException>(() => tasks.CompleteAsync(fixTask.Id));

        // An ordinary task closes with one click.
        var step = await H.QueryAsync(db => db.Tasks.FirstAsync(t => t.AssigneeId == m1.ManagerId && t.Status == TaskState.Open && t.Kind == TaskKind.FollowUp));
        await tasks.CompleteAsync(step.Id);
        Assert.Equal(TaskState.Done, (await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == step.Id))).Status);
    }
}
