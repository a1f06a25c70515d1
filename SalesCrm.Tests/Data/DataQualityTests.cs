using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Quality;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>/quality on the demo data: the seeded problems are found, tasks go to the owners, audits and merges keep everything.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class DataQualityTests : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheSeededProblemsAreFoundAndScored()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var report = await H.Get<QualityService>().ReportAsync(null);

        var clients = await H.QueryAsync(db => db.Clients.Select(c => new { c.Id, c.Inn }).ToListAsync());
        var badInn = clients.Where(c => !Inn.IsValid(c.Inn)).Select(c => c.Id).Order().ToList();
        Assert.NotEmpty(badInn);
        Assert.Equal(badInn, report.Findings.Where(f => f.Rule == QualityRule.ClientInnInvalid).Select(f => f.RecordId).Order());

        var noContacts = await H.QueryAsync(db => db.Clients.Where(c => !db.Contacts.Any(x => x.ClientId == c.Id)).Select(c => c.Id).OrderBy(i => i).ToListAsync());
        Assert.Equal(noContacts, report.Findings.Where(f => f.Rule == QualityRule.ClientNoContact).Select(f => f.RecordId).Order());

        var now = H.Time.GetUtcNow().UtcDateTime;
        var noNextStep = await H.QueryAsync(db => db.Deals.Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost
            && !db.Tasks.Any(t => t.DealId == d.Id && t.Status == TaskState.Open && t.DueAt > now && TaskItem.NextStepKinds.Contains(t.Kind))).CountAsync());
        Assert.Equal(noNextStep, report.Findings.Count(f => f.Rule == QualityRule.DealNoNextStep));

        // Duplicates by INN seeded by the generator are all paired.
        var sameInn = clients.Where(c => Inn.IsValid(c.Inn)).GroupBy(c => c.Inn).Where(g => g.Count() > 1).Sum(g => g.Count() - 1);
        Assert.True(sameInn > 0);
        Assert.Equal(sameInn, report.Duplicates.Count(d => d.Reason == DuplicateReason.SameInn));
        Assert.All(report.Findings.Where(f => f.Rule == QualityRule.DuplicateClient), f => Assert.NotNull(f.OtherId));

        // The legacy hand-overs without a reason and the proposals sent before the approval came back.
        Assert.Contains(report.Findings, f => f.Rule == QualityRule.ReassignmentWithoutReason);
        Assert.Contains(report.Findings, f => f.Rule == QualityRule.ProposalSentWithoutApproval);

        // The score: records of the owners passing every rule ÷ records checked.
        var records = clients.Count + await H.QueryAsync(db => db.Deals.CountAsync());
        Assert.Equal(records, report.Checked);
        var failing = report.Findings.Select(f => (f.Subject, f.RecordId)).Distinct().Count();
        Assert.Equal(failing, report.Failing);
        Assert.Equal((double)(records - failing) / records, report.Score!.Value, 9);
        Assert.Equal(report.Checked, report.Managers.Sum(m => m.Checked));
    }

    [Fact]
    public async Task ATeamLeadSeesTheTeamAndAManagerNothing()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var report = await H.Get<QualityService>().ReportAsync(null);
        var owners = me.TeamMemberIds;
        Assert.All(report.Findings, f => Assert.Contains(f.OwnerId, owners));
        var other = await H.QueryAsync(db => db.Teams.Where(t => t.Id != me.TeamId).Select(t => t.Id).FirstAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<QualityService>().ReportAsync(other));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<QualityService>().ReportAsync(null));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<QualityService>().CreateFixTasksAsync(null, QualityRule.ClientNoContact, null));
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ClientMergeService>().PreviewAsync(1, 2));
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<QualityAuditService>().StartAsync(m1, 3));
    }

    [Fact]
    public async Task FixTasksGoToTheOwnersOnceInBulkOrForASelection()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var quality = H.Get<QualityService>();
        var findings = (await quality.ReportAsync(null)).Findings.Where(f => f.Rule == QualityRule.ClientNoDecisionMaker).ToList();
        Assert.True(findings.Count > 3);

        var some = findings.Take(2).Select(f => f.RecordId).ToList();
        Assert.Equal(new FixTasksResult(2, 0), await quality.CreateFixTasksAsync(null, QualityRule.ClientNoDecisionMaker, some));
        var all = await quality.CreateFixTasksAsync(null, QualityRule.ClientNoDecisionMaker, null);
        Assert.Equal(new FixTasksResult(findings.Count - 2, 2), all);

        var title = QualityService.FixTitle(QualityRule.ClientNoDecisionMaker);
        var tasks = await H.QueryAsync(db => db.Tasks.Where(t => t.Kind == TaskKind.DataFix && t.Title == title).ToListAsync());
        Assert.Equal(findings.Count, tasks.Count);
        foreach (var f in findings)
        {
            var task = Assert.Single(tasks, t => t.ClientId == f.RecordId);
            Assert.Equal(f.OwnerId, task.AssigneeId);
            Assert.Equal(TaskState.Open, task.Status);
        }
        await Assert.ThrowsAsync<DomainException>(() => quality.CreateFixTasksAsync(null, QualityRule.ClientNoDecisionMaker, [int.MaxValue]));
    }

    [Fact]
    public async Task ASamplingAuditDrawsTheManagersCardsAndTurnsAFindingIntoATask()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        var audits = H.Get<QualityAuditService>();
        await Assert.ThrowsAsync<DomainException>(() => audits.StartAsync(m1, 0));
        var id = await audits.StartAsync(m1, 4);
        var audit = Assert.Single(await audits.ListAsync(null), a => a.Id == id);
        Assert.Equal(4, audit.Items.Count);
        var owners = await H.QueryAsync(db => db.Clients.Where(c => audit.Items.Select(i => i.ClientId).Contains(c.Id)).Select(c => c.OwnerId).ToListAsync());
        Assert.All(owners, o => Assert.Equal(m1, o));

        await audits.MarkAsync(id, audit.Items[0].Id, AuditVerdict.Checked, null);
        var noComment = await Assert.ThrowsAsync<DomainException>(() => audits.MarkAsync(id, audit.Items[1].Id, AuditVerdict.NeedsFix, " "));
        Assert.Equal("Comment", noComment.Field);
        await audits.MarkAsync(id, audit.Items[1].Id, AuditVerdict.NeedsFix, "Нет e-mail ЛПР");
        var after = Assert.Single(await audits.ListAsync(null), a => a.Id == id);
        Assert.Equal((2, 1), (after.Done, after.NeedsFix));
        var task = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Kind == TaskKind.DataFix && t.ClientId == audit.Items[1].ClientId));
        Assert.Equal((m1, "Нет e-mail ЛПР"), (task.AssigneeId, task.Comment));
    }

    [Fact]
    public async Task AMergeMovesEveryRelatedRecordToTheSurvivorAndKeepsTheHistory()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var pair = (await H.Get<QualityService>().ReportAsync(null)).Duplicates.First(d => d.Reason == DuplicateReason.SameInn);
        var (survivorId, duplicateId) = (pair.FirstId, pair.SecondId);

        // Give the duplicate something of everything.
        await using (var db = H.Db())
        {
            var dup = await db.Clients.Include(c => c.Contacts).Include(c => c.PremiumLossYears).SingleAsync(c => c.Id == duplicateId);
            var survivor = await db.Clients.Include(c => c.PremiumLossYears).SingleAsync(c => c.Id == survivorId);
            var now = H.Time.GetUtcNow().UtcDateTime;
            dup.AddContact("Дублев Иван Петрович", "Финансовый директор", "+7 916 000-00-01", "dublev@example.ru", true, now);
            dup.RecordSignal(ClientSignalKind.Complaint, now, "Жалоба из дубля");
            var shared = survivor.PremiumLossYears.FirstOrDefault()?.Year ?? 2024;
            survivor.RecordPremiumLoss(shared, Money.FromRubles(100_000), Money.FromRubles(10_000));
            dup.RecordPremiumLoss(shared, Money.FromRubles(50_000), Money.FromRubles(5_000));
            dup.RecordPremiumLoss(2019, Money.FromRubles(70_000), Money.FromRubles(0));
            var product = await db.Products.FirstAsync();
            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            db.Deals.Add(new Deal(duplicateId, product.Id, dup.OwnerId, Money.FromRubles(300_000), now.AddDays(30), first, dup.OwnerId, now));
            await db.SaveChangesAsync();
            db.Activities.Add(new SalesCrm.Domain.Activities.Activity(SalesCrm.Domain.Activities.ActivityKind.Note, now, dup.OwnerId, null, duplicateId, null,
                SalesCrm.Domain.Activities.ActivityDirection.None, 0, null, "Заметка в дубле", null, now));
            db.Tasks.Add(new TaskItem(TaskKind.FollowUp, "Задача дубля", dup.OwnerId, dup.OwnerId, now.AddDays(2), null, duplicateId, null, now));
            await db.SaveChangesAsync();
        }
        async Task<Dictionary<string, int>> CountsAsync(int id) => await H.QueryAsync(async db => new Dictionary<string, int>
        {
            ["contacts"] = await db.Contacts.CountAsync(x => x.ClientId == id),
            ["deals"] = await db.Deals.CountAsync(x => x.ClientId == id),
            ["contracts"] = await db.Contracts.CountAsync(x => x.ClientId == id),
            ["activities"] = await db.Activities.CountAsync(x => x.ClientId == id),
            ["tasks"] = await db.Tasks.CountAsync(x => x.ClientId == id),
            ["leads"] = await db.Leads.CountAsync(x => x.ClientId == id),
            ["signals"] = await db.ClientSignals.CountAsync(x => x.ClientId == id),
            ["assignments"] = await db.Assignments.CountAsync(x => x.ClientId == id),
        });
        var before = await CountsAsync(survivorId);
        var moving = await CountsAsync(duplicateId);
        var premiumsBefore = await H.QueryAsync(db => db.PremiumLossYears.Where(p => p.ClientId == survivorId || p.ClientId == duplicateId).SumAsync(p => p.PremiumsKopecks));
        var totals = await H.QueryAsync(async db => (await db.Contacts.CountAsync(), await db.Deals.CountAsync(), await db.Activities.CountAsync(), await db.Tasks.CountAsync()));

        var merge = H.Get<ClientMergeService>();
        var preview = await merge.PreviewAsync(survivorId, duplicateId);
        Assert.Equal(moving["deals"], preview.Duplicate.Counts.Deals);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => merge.MergeAsync(survivorId, preview.Survivor.Version, duplicateId, preview.Duplicate.Version - 1));
        var moved = await merge.MergeAsync(survivorId, preview.Survivor.Version, duplicateId, preview.Duplicate.Version);

        var after = await CountsAsync(survivorId);
        foreach (var key in before.Keys) Assert.Equal(before[key] + moving[key], after[key]);
        Assert.All((await CountsAsync(duplicateId)).Values, v => Assert.Equal(0, v));
        Assert.Equal(moving["deals"], moved.Deals);
        Assert.Equal(totals, await H.QueryAsync(async db => (await db.Contacts.CountAsync(), await db.Deals.CountAsync(), await db.Activities.CountAsync(), await db.Tasks.CountAsync())));
        Assert.Equal(premiumsBefore, await H.QueryAsync(db => db.PremiumLossYears.Where(p => p.ClientId == survivorId).SumAsync(p => p.PremiumsKopecks)));
        var years = await H.QueryAsync(db => db.PremiumLossYears.Where(p => p.ClientId == survivorId).Select(p => p.Year).ToListAsync());
        Assert.Equal(years.Distinct().Count(), years.Count);

        // The duplicate is kept, hidden, and points to the survivor; both carry the merge in the audit trail.
        Assert.False(await H.QueryAsync(db => db.Clients.AnyAsync(c => c.Id == duplicateId)));
        var kept = await H.QueryAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == duplicateId));
        Assert.Equal(survivorId, kept.MergedIntoId);
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "Client" && a.EntityId == survivorId.ToString() && a.Field == "Merge")));
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "Client" && a.EntityId == duplicateId.ToString() && a.Field == "MergedInto")));
        Assert.Equal(survivorId, await H.Get<ClientService>().SurvivorOfAsync(duplicateId));
        var card = await H.Get<ClientService>().GetCardAsync(survivorId);
        Assert.Contains(card.Contacts, c => c.FullName == "Дублев Иван Петрович");
        Assert.Contains(card.Timeline, t => t.Kind == SalesCrm.Data.Deals.TimelineKind.Audit && t.Subject == "MergedInto");
        await Assert.ThrowsAsync<NotFoundException>(() => merge.PreviewAsync(survivorId, duplicateId));
    }
}
