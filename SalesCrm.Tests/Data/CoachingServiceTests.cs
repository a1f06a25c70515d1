using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Coaching;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>Coaching on the demo data: the figures the service shows against direct queries, and who may see whom.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class CoachingServiceTests : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private ReportingPeriod PreviousMonth() =>
        ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, H.Get<CrmOptions>().TimeZone).Previous(H.Get<CrmOptions>().TimeZone);

    [Fact]
    public async Task TheTeamCardsMatchDirectQueries()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var period = PreviousMonth();
        var team = await H.Get<CoachingService>().TeamAsync(null, period);
        Assert.Equal(me.TeamId, team.TeamId);
        Assert.NotEmpty(team.Managers);
        Assert.All(team.Managers, m => Assert.Equal(StaffRole.Manager, m.Manager.Role));
        foreach (var card in team.Managers)
        {
            var id = card.Manager.Id;
            var cohort = await H.QueryAsync(db => db.DealStageChanges.Where(h => h.To == StageCode.ProposalSent)
                .Join(db.Deals, h => h.DealId, d => d.Id, (h, d) => new { h.DealId, h.At, d.OwnerId, d.Stage })
                .Where(x => x.OwnerId == id).GroupBy(x => new { x.DealId, x.Stage }).Select(g => new { g.Key.Stage, First = g.Min(x => x.At) })
                .Where(x => x.First >= period.FromUtc && x.First < period.ToUtc).ToListAsync());
            Assert.Equal(cohort.Count, card.Current.ProposalCohort);
            Assert.Equal(cohort.Count(c => c.Stage == StageCode.Won), card.Current.ProposalWon);
            var won = await H.QueryAsync(db => db.Deals.Where(d => d.OwnerId == id && d.Stage == StageCode.Won && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc)
                .SumAsync(d => d.PremiumKopecks));
            Assert.Equal(won, card.Current.WonPremiumKopecks);
        }
        Assert.Contains(team.Managers, m => m.Current.ProposalWon > 0);
    }

    [Fact]
    public async Task AManagerSeesOnlyTheirOwnPageAndATeamLeadOnlyTheirTeam()
    {
        var coaching = H.Get<CoachingService>();
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var m2 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m2@demo.salescrm").Select(m => m.Id).SingleAsync());
        var m5 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync());
        var own = await coaching.ManagerAsync(m1.ManagerId, PreviousMonth());
        Assert.False(own.CanCoach);
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.ManagerAsync(m2, PreviousMonth()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.TeamAsync(null, PreviousMonth()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.AddNoteAsync(m1.ManagerId, "Сам себе"));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.True((await coaching.ManagerAsync(m2, PreviousMonth())).CanCoach);
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.ManagerAsync(m5, PreviousMonth()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.AddNoteAsync(m5, "Чужому"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.AddDevelopmentTaskAsync(m5, "Чужому", H.Time.GetUtcNow().UtcDateTime.AddDays(3), null));
        var otherTeam = await H.QueryAsync(db => db.Managers.Where(m => m.Id == m5).Select(m => m.TeamId!.Value).SingleAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => coaching.TeamAsync(otherTeam, PreviousMonth()));
        var denied = await H.QueryAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == nameof(Manager) && a.EntityId == m5.ToString()));
        Assert.True(denied >= 3);

        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Equal(otherTeam, (await coaching.TeamAsync(otherTeam, PreviousMonth())).TeamId);
        Assert.True((await coaching.ManagerAsync(m5, PreviousMonth())).CanCoach);
    }

    [Fact]
    public async Task ARecommendationAndADevelopmentTaskReachTheManagersPage()
    {
        var coaching = H.Get<CoachingService>();
        var m1 = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync());
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var bad = await Assert.ThrowsAsync<DomainException>(() => coaching.AddNoteAsync(m1, "   "));
        Assert.Equal("Text", bad.Field);
        await Assert.ThrowsAsync<DomainException>(() => coaching.AddDevelopmentTaskAsync(m1, "", H.Time.GetUtcNow().UtcDateTime.AddDays(3), null));
        Assert.Equal(0, await H.QueryAsync(db => db.CoachingNotes.CountAsync()));

        await coaching.AddNoteAsync(m1, "Больше открытых вопросов на первой встрече");
        var due = H.Time.GetUtcNow().UtcDateTime.AddDays(7);
        var taskId = await coaching.AddDevelopmentTaskAsync(m1, "Провести три встречи с ЛПР", due, "Разобрать записи после каждой");
        var task = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.Id == taskId));
        Assert.Equal(TaskKind.Development, task.Kind);
        Assert.Equal(m1, task.AssigneeId);
        Assert.Equal(2, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.RecipientId == m1 && n.Link == $"/team/{m1}")));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = await coaching.ManagerAsync(m1, PreviousMonth());
        Assert.Equal("Больше открытых вопросов на первой встрече", Assert.Single(page.Notes).Text);
        Assert.Equal("Провести три встречи с ЛПР", Assert.Single(page.DevelopmentTasks).Title);
        await coaching.CompleteDevelopmentTaskAsync(taskId);
        Assert.Equal(TaskState.Done, await H.QueryAsync(db => db.Tasks.Where(t => t.Id == taskId).Select(t => t.Status).SingleAsync()));
    }

    [Fact]
    public async Task ExamplesAreWonComplexDealsAndTaggedActivitiesOfTheTeam()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var coaching = H.Get<CoachingService>();
        var all = await coaching.ExamplesAsync(null, null, null);
        Assert.NotEmpty(all.Deals);
        Assert.NotEmpty(all.Activities);
        var dealIds = all.Deals.Select(d => d.DealId).ToList();
        var deals = await H.QueryAsync(db => db.Deals.Where(d => dealIds.Contains(d.Id)).Select(d => new { d.Id, d.OwnerId, d.Stage, d.Product!.IsComplex, d.ProductId }).ToListAsync());
        Assert.All(deals, d => Assert.True(d.Stage == StageCode.Won && d.IsComplex && me.TeamMemberIds.Contains(d.OwnerId)));
        Assert.All(all.Activities, a => Assert.True(a.Tags.Contains(SalesCrm.Domain.Activities.ActivityTags.ObjectionHandled)
                                                     || a.Tags.Contains(SalesCrm.Domain.Activities.ActivityTags.SuccessStory)));

        // Filter by the product and industry of one example: it must come back, and only its kind.
        var example = all.Deals[0];
        var product = deals.Single(d => d.Id == example.DealId).ProductId;
        var industry = example.Industry;
        var filtered = await coaching.ExamplesAsync(null, product, industry);
        Assert.Contains(filtered.Deals, d => d.DealId == example.DealId);
        Assert.All(filtered.Deals, d => Assert.Equal(industry, d.Industry));
        var filteredIds = filtered.Deals.Select(d => d.DealId).ToList();
        Assert.All(await H.QueryAsync(db => db.Deals.Where(d => filteredIds.Contains(d.Id)).Select(d => d.ProductId).ToListAsync()), p => Assert.Equal(product, p));
    }

    [Fact]
    public async Task AManagerSeesColleaguesWorkOnlyWhereTheTeamLeadSharedIt()
    {
        var m1 = await H.User.SignInAsAsync("m1@demo.salescrm");
        var coaching = H.Get<CoachingService>();
        var mine = await coaching.ExamplesAsync(null, null, null);
        var dealOwners = await H.QueryAsync(db => db.Deals.Where(d => mine.Deals.Select(x => x.DealId).Contains(d.Id)).Select(d => d.OwnerId).ToListAsync());
        Assert.All(dealOwners, o => Assert.Equal(m1.ManagerId, o));
        var activityAuthors = await H.QueryAsync(db => db.Activities.Where(a => mine.Activities.Select(x => x.Id).Contains(a.Id)).Select(a => a.AuthorId).ToListAsync());
        Assert.All(activityAuthors, a => Assert.Equal(m1.ManagerId, a));
        Assert.False(mine.CanShare);
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() => coaching.ShareExampleAsync(m1.TeamId!.Value, mine.Deals.FirstOrDefault()?.DealId ?? 1, null, true));

        // The team lead shows one colleague's won deal and one tagged activity to the team.
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var team = await coaching.ExamplesAsync(null, null, null);
        Assert.True(team.CanShare);
        var deal = team.Deals.First(d => d.OwnerName != m1.FullName);
        var activity = team.Activities.First(a => a.AuthorName != m1.FullName);
        await coaching.ShareExampleAsync(lead.TeamId!.Value, deal.DealId, null, true);
        await coaching.ShareExampleAsync(lead.TeamId!.Value, null, activity.Id, true);
        var otherTeam = await H.QueryAsync(db => db.Teams.Where(t => t.Id != lead.TeamId).Select(t => t.Id).FirstAsync());
        await Assert.ThrowsAsync<SalesCrm.Data.Access.AccessDeniedException>(() => coaching.ShareExampleAsync(otherTeam, deal.DealId, null, true));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var shared = await coaching.ExamplesAsync(null, null, null);
        var seenDeal = Assert.Single(shared.Deals, d => d.DealId == deal.DealId);
        Assert.False(seenDeal.Opens); // shown, but the colleague's deal card stays closed
        Assert.Contains(shared.Activities, a => a.Id == activity.Id && !a.Opens);
        Assert.Equal(mine.Deals.Count + 1, shared.Deals.Count);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        await coaching.ShareExampleAsync(lead.TeamId!.Value, deal.DealId, null, false);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        Assert.DoesNotContain((await coaching.ExamplesAsync(null, null, null)).Deals, d => d.DealId == deal.DealId);
    }
}
