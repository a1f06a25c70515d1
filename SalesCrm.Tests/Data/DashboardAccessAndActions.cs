using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Notifications;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

[Trait(TestKind.Key, TestKind.Data)]
public sealed class DashboardAccessAndActions : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private static ReportingPeriod Month(ServiceHarness h) =>
        ReportingPeriod.Containing(PeriodKind.Month, h.Time.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));

    [Fact]
    public async Task AManagerHasNoDashboard()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<DashboardService>().LoadAsync(null, Month(H), AttentionFilter.None));
    }

    [Fact]
    public async Task ATeamLeadSeesOnlyTheOwnTeam()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var dashboard = H.Get<DashboardService>();
        var data = await dashboard.LoadAsync(null, Month(H), AttentionFilter.None);
        Assert.Equal(me.TeamId, data.Scope.TeamId);
        Assert.All(data.Stuck, s => Assert.Contains(s.OwnerId, me.TeamMemberIds));
        var otherTeam = await H.QueryAsync(db => db.Teams.Where(t => t.Id != me.TeamId).Select(t => t.Id).FirstAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => dashboard.LoadAsync(otherTeam, Month(H), AttentionFilter.None));
        Assert.Single(await dashboard.ScopesAsync());
    }

    [Fact]
    public async Task TheHeadSeesEveryTeamAndTheWholeDepartment()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        var dashboard = H.Get<DashboardService>();
        var all = await dashboard.LoadAsync(null, Month(H), AttentionFilter.None);
        var scopes = await dashboard.ScopesAsync();
        Assert.Equal(3, scopes.Count); // all + two teams
        var sum = 0;
        foreach (var team in scopes.Where(s => s.Id is not null))
            sum += (await dashboard.LoadAsync(team.Id, Month(H), AttentionFilter.None)).Funnel.Single(f => f.Stage == StageCode.Negotiation).Count;
        Assert.Equal(all.Funnel.Single(f => f.Stage == StageCode.Negotiation).Count, sum);
    }

    [Fact]
    public async Task ReviveGivesTheOwnerATaskAndANotification()
    {
        var deal = await H.DealAtAsync("m2@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var due = H.Time.GetUtcNow().UtcDateTime.AddDays(2);
        await H.Get<DashboardService>().ReviveAsync(deal.Id, due, "Позвонить ЛПР и обновить КП");

        var task = await H.QueryAsync(db => db.Tasks.SingleAsync(t => t.DealId == deal.Id && t.Kind == TaskKind.ReviveDeal));
        Assert.Equal(deal.OwnerId, task.AssigneeId);
        Assert.Equal(due, task.DueAt);
        Assert.Equal("Позвонить ЛПР и обновить КП", task.Comment);
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == deal.OwnerId && n.Kind == NotificationKind.Task)));
        Assert.Contains(H.Events.Published, e => e is NotificationCreated);
    }

    [Fact]
    public async Task JoinMakesTheLeadAParticipantWithATask()
    {
        var deal = await H.DealAtAsync("m3@demo.salescrm", StageCode.Qualification);
        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        await H.Get<DashboardService>().JoinAsync(deal.Id, H.Time.GetUtcNow().UtcDateTime.AddDays(1));
        Assert.True(await H.QueryAsync(db => db.DealParticipants.AnyAsync(p => p.DealId == deal.Id && p.ManagerId == lead.ManagerId)));
        Assert.True(await H.QueryAsync(db => db.Tasks.AnyAsync(t => t.DealId == deal.Id && t.AssigneeId == lead.ManagerId)));
    }

    [Fact]
    public async Task ATeamLeadCannotActOnAnotherTeamsDeal()
    {
        var foreign = await H.DealAtAsync("m6@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var dashboard = H.Get<DashboardService>();
        await Assert.ThrowsAsync<AccessDeniedException>(() => dashboard.ReviveAsync(foreign.Id, H.Time.GetUtcNow().UtcDateTime.AddDays(1), null));
        await Assert.ThrowsAsync<AccessDeniedException>(() => dashboard.JoinAsync(foreign.Id, H.Time.GetUtcNow().UtcDateTime.AddDays(1)));
        Assert.False(await H.QueryAsync(db => db.Tasks.AnyAsync(t => t.DealId == foreign.Id && t.Kind == TaskKind.ReviveDeal)));
    }

    [Fact]
    public async Task ARevivalDueInThePastIsRefusedAndNothingIsSaved()
    {
        var deal = await H.DealAtAsync("m2@demo.salescrm", StageCode.Negotiation);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var ex = await Assert.ThrowsAsync<DomainException>(() =>
            H.Get<DashboardService>().ReviveAsync(deal.Id, H.Time.GetUtcNow().UtcDateTime.AddDays(-1), null));
        Assert.Equal("DueAt", ex.Field);
        Assert.False(await H.QueryAsync(db => db.Tasks.AnyAsync(t => t.DealId == deal.Id && t.Kind == TaskKind.ReviveDeal)));
    }
}

[Trait(TestKind.Key, TestKind.Data)]
public sealed class StuckDealAlerts : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task OneAlertPerDealPerStageEntryToTheOwnerAndTheTeamLead()
    {
        var scanner = H.Get<StuckAlertScanner>();
        var first = await scanner.ScanAsync();
        Assert.True(first > 0);
        Assert.Equal(0, await scanner.ScanAsync()); // a restart scans again: nothing new

        var alerts = await H.QueryAsync(db => db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.StuckDeal).ToListAsync());
        Assert.Equal(first, alerts.Count);
        var lead = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "lead@demo.salescrm"));
        var owner = await H.QueryAsync(db => db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm"));
        var someDeal = alerts.First(a => a.RecipientId == owner.Id);
        Assert.Contains(alerts, a => a.RecipientId == lead.Id && a.DedupKey == someDeal.DedupKey);
        Assert.Equal(alerts.Count, alerts.Select(a => (a.RecipientId, a.DedupKey)).Distinct().Count());
    }

    [Fact]
    public async Task TwoNodesScanningAtOnceRaiseEachAlertOnce()
    {
        var a = H.Get<StuckAlertScanner>();
        var b = new StuckAlertScanner(H.Get<SalesCrm.Data.IProviderContextFactory>(), H.Time);
        var results = await Task.WhenAll(a.ScanAsync(), b.ScanAsync());
        var alerts = await H.QueryAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.StuckDeal));
        Assert.Equal(alerts, results.Sum());
        Assert.Equal(0, await a.ScanAsync());
    }

    [Fact]
    public async Task ADealStuckAgainInANewStageRaisesANewAlert()
    {
        var scanner = H.Get<StuckAlertScanner>();
        await scanner.ScanAsync();
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<SalesCrm.Data.Deals.DealService>().MoveStageAsync(deal.Id, deal.Version, StageCode.NeedsAnalysis);
        Assert.Equal(0, await scanner.ScanAsync());

        H.Time.Advance(TimeSpan.FromDays(16)); // past the 14-day threshold of "Needs analysis"
        Assert.True(await scanner.ScanAsync() > 0);
        var key = StuckAlertScanner.KeyFor(deal.Id, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.StageEnteredAt).SingleAsync()));
        Assert.Equal(2, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.DedupKey == key)));
    }
}

[Trait(TestKind.Key, TestKind.Data)]
public sealed class BoardLinks : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheDemoTokenOpensTeamOneAndAWrongOneOpensNothing()
    {
        var boards = H.Get<BoardService>();
        var access = await boards.ValidateAsync(SalesCrm.Data.Demo.DemoDataGenerator.DemoBoardToken);
        Assert.NotNull(access);
        Assert.Equal("Команда 1", access.ScopeName);
        Assert.Null(await boards.ValidateAsync("demo-board-token-wrong"));
        Assert.Null(await boards.ValidateAsync(null));
        Assert.Null(await boards.ValidateAsync(new string('x', 5000)));
    }

    [Fact]
    public async Task ACreatedLinkWorksUntilRevoked()
    {
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        var tokens = H.Get<BoardTokenService>();
        var me = H.User.Cached!;
        var token = await tokens.CreateAsync("Экран в переговорной", me.TeamId);
        var boards = H.Get<BoardService>();
        var access = await boards.ValidateAsync(token);
        Assert.Equal(me.TeamId, access!.TeamId);
        var board = await boards.LoadAsync(access);
        Assert.All(board.Stuck, s => Assert.Contains(s.OwnerId, me.TeamMemberIds));
        // The approvals badge counts every pending request of the team, not the rows shown; the rows wait longest first.
        var pending = await H.QueryAsync(db => db.ApprovalRequests.CountAsync(r => r.State == SalesCrm.Domain.Approvals.ApprovalRequestState.Pending
            && db.Deals.Any(d => d.Id == r.DealId && me.TeamMemberIds.Contains(d.OwnerId))));
        Assert.Equal(pending, board.ApprovalsTotal);
        Assert.True(board.Approvals.Count <= Math.Min(10, pending));
        Assert.Equal(board.Approvals.Select(a => a.Since).Order(), board.Approvals.Select(a => a.Since));
        Assert.DoesNotContain(token, await H.QueryAsync(db => db.BoardTokens.Select(t => t.TokenHash).ToListAsync()));

        var row = (await tokens.ListAsync()).Single(t => t.Name == "Экран в переговорной");
        await tokens.RevokeAsync(row.Id);
        Assert.Null(await boards.ValidateAsync(token));
    }

    [Fact]
    public async Task ATeamLeadCannotMakeOrRevokeAnotherTeamsBoard()
    {
        var other = await H.User.SignInAsAsync("lead2@demo.salescrm");
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var tokens = H.Get<BoardTokenService>();
        await Assert.ThrowsAsync<AccessDeniedException>(() => tokens.CreateAsync("Чужой", other.TeamId));
        var demo = await H.QueryAsync(db => db.BoardTokens.SingleAsync());
        await H.User.SignInAsAsync("lead2@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<BoardTokenService>().RevokeAsync(demo.Id));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<BoardTokenService>().ListAsync());
    }
}
