using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Identity;
using SalesCrm.Data.Renewals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>/renewals' figures: churn rate and repeat share on a hand-built team, the list and its access by role.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class RenewalBoardFigures : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private ReportingPeriod Month(int year, int month) => ReportingPeriod.Month(year, month, H.Get<CrmOptions>().TimeZone);

    [Fact]
    public async Task ChurnRateAndRepeatShareFollowTheDefinitionsOnAHandBuiltTeam()
    {
        var now = H.Time.GetUtcNow().UtcDateTime;
        await using (var db = H.Db())
        {
            var team = new Team("Команда проверки");
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            foreach (var (email, role) in new[] { ("lead.check@demo.salescrm", StaffRole.TeamLead), ("seller.check@demo.salescrm", StaffRole.Manager) })
            {
                var user = new AppUser { UserName = email, Email = email };
                db.Users.Add(user);
                db.Managers.Add(new Manager(user.Id, email, email, role, team.Id, now.AddYears(-1)));
            }
            await db.SaveChangesAsync();
            var seller = await db.Managers.SingleAsync(m => m.Email == "seller.check@demo.salescrm");
            var product = await db.Products.FirstAsync();
            var clients = new[] { "7707083893", "7736050003", "7702070139" }
                .Select((inn, i) => new Client($"Проверка {i}", Inn.Parse(inn), null, "Производство", "Москва", ClientSegment.Medium, seller.Id, now)).ToList();
            db.Clients.AddRange(clients);
            await db.SaveChangesAsync();

            Contract C(int client, int year, int month, int day) =>
                new(clients[client].Id, product.Id, seller.Id, $"ПР-{year}{month:00}{day:00}-{client}", new DateTime(year - 1, month, day), new DateTime(year, month, day),
                    Money.FromRubles(100_000), null);
            var renewed = C(0, 2031, 3, 10);
            renewed.MarkRenewed();
            var lost = C(1, 2031, 3, 20);
            lost.MarkLost();
            var open = C(2, 2031, 3, 25); // still active: lost only once its last day has passed unrenewed
            var before = C(0, 2031, 2, 10);
            before.MarkRenewed();
            db.Contracts.AddRange(renewed, lost, open, before);

            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            var won = await db.Stages.SingleAsync(s => s.Code == StageCode.Won);
            foreach (var client in new[] { 0, 0, 1 }) // client 0 buys twice, client 1 once, client 2 never
            {
                var deal = new Deal(clients[client].Id, product.Id, seller.Id, Money.FromRubles(50_000), now.AddDays(30), first, seller.Id, now);
                deal.PrepareProposal(now.AddDays(10), Money.FromRubles(50_000), now);
                deal.MoveToStage(won, seller.Id, now);
                db.Deals.Add(deal);
            }
            await db.SaveChangesAsync();
        }

        await H.User.SignInAsAsync("lead.check@demo.salescrm");
        // March 2031 seen on 22 March: the contract ending on the 25th is still running.
        H.Time.SetUtcNow(new DateTimeOffset(2031, 3, 22, 9, 0, 0, TimeSpan.Zero));
        var running = await H.Get<RenewalService>().BoardAsync(30, Month(2031, 3));
        Assert.Equal(2, running.Figures.Ended);
        Assert.Equal(1, running.Figures.Running);
        Assert.Equal(0.5, running.Figures.ChurnRate!.Value, 6);

        // Seen after the month: it ended without a renewal and counts as lost.
        H.Time.SetUtcNow(new DateTimeOffset(2031, 4, 2, 9, 0, 0, TimeSpan.Zero));
        var board = await H.Get<RenewalService>().BoardAsync(30, Month(2031, 3));
        Assert.Equal(3, board.Figures.Ended);
        Assert.Equal(0, board.Figures.Running);
        Assert.Equal(1, board.Figures.Renewed);
        Assert.Equal(2.0 / 3, board.Figures.ChurnRate!.Value, 6);
        Assert.Equal(1, board.Figures.PreviousEnded);
        Assert.Equal(0, board.Figures.PreviousChurnRate);
        Assert.Equal(0.5, board.Figures.RepeatShare);
        Assert.Empty(board.Contracts); // nothing of this team ends in the next 30 days
    }

    [Fact]
    public async Task EachRoleSeesItsOwnContracts()
    {
        var period = Month(2026, 11);
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var mine = await H.Get<RenewalService>().BoardAsync(90, period);
        Assert.NotEmpty(mine.Contracts);
        Assert.All(mine.Contracts, r => Assert.Equal(me.ManagerId, r.OwnerId));
        Assert.False(mine.CanLead);

        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var team = await H.Get<RenewalService>().BoardAsync(90, period);
        Assert.All(team.Contracts, r => Assert.Contains(r.OwnerId, lead.TeamMemberIds));
        Assert.True(team.Contracts.Count > mine.Contracts.Count);
        Assert.Equal(team.Contracts.OrderBy(r => r.EndDate).ThenBy(r => r.ContractId).Select(r => r.ContractId), team.Contracts.Select(r => r.ContractId));
        Assert.All(team.RedZone, r => Assert.True(r.Churn.RedZone));

        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.True((await H.Get<RenewalService>().BoardAsync(90, period)).Contracts.Count >= team.Contracts.Count);

        await H.User.SignInAsAsync("uw@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<RenewalService>().BoardAsync(30, period));
    }

    [Fact]
    public async Task RecordedComplaintsAndADecisionMakerChangePutTheClientIntoTheRedZone()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        var period = Month(2026, 11);
        var before = await H.Get<RenewalService>().BoardAsync(90, period);
        var row = before.Contracts.First(r => !r.Churn.RedZone && r.Churn.Factors.All(f => f.Factor != ChurnFactor.Complaints));
        var clients = H.Get<SalesCrm.Data.Clients.ClientService>();
        for (var i = 0; i < 3; i++) await clients.RecordSignalAsync(row.ClientId, ClientSignalKind.Complaint, "Задержка выплаты");
        await clients.RecordSignalAsync(row.ClientId, ClientSignalKind.DecisionMakerChange, "Новый финансовый директор");

        var after = (await H.Get<RenewalService>().BoardAsync(90, period)).Contracts.Single(r => r.ContractId == row.ContractId);
        Assert.True(after.Churn.RedZone);
        Assert.Contains(after.Churn.Factors, f => f.Factor == ChurnFactor.Complaints && f.Points == 35);
        Assert.Contains(after.Churn.Factors, f => f.Factor == ChurnFactor.DecisionMakerChange);

        var foreign = await H.QueryAsync(db => db.Clients.Where(c => c.OwnerId != me.ManagerId && !db.Deals.Any(d => d.ClientId == c.Id && d.OwnerId == me.ManagerId))
            .Select(c => c.Id).FirstAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => clients.RecordSignalAsync(foreign, ClientSignalKind.Complaint, "чужой клиент"));
    }

    [Fact]
    public async Task TheTeamLeadStartsARetentionOfferThroughTheApprovalFlow()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var approvals = H.Get<SalesCrm.Data.Approvals.ApprovalService>();
        var id = await approvals.RequestAsync(deal.Id, new SalesCrm.Data.Approvals.ApprovalInput(SalesCrm.Domain.Approvals.ApprovalKind.RetentionBonus,
            deal.PremiumKopecks * 95 / 100, "Удержать ключевого клиента при пролонгации", null));
        var request = await H.QueryAsync(db => db.ApprovalRequests.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal(SalesCrm.Domain.Approvals.ApprovalKind.RetentionBonus, request.Kind);
        Assert.Equal(ApprovalState.Pending, await H.QueryAsync(db => db.Deals.Where(d => d.Id == deal.Id).Select(d => d.ApprovalState).SingleAsync()));

        // A discount (not a retention offer) on someone else's deal stays the owner's to ask.
        var other = await H.DealAtAsync("m2@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<SalesCrm.Data.Approvals.ApprovalService>().RequestAsync(other.Id,
            new SalesCrm.Data.Approvals.ApprovalInput(SalesCrm.Domain.Approvals.ApprovalKind.Discount, other.PremiumKopecks * 95 / 100, "Скидка", null)));
    }
}
