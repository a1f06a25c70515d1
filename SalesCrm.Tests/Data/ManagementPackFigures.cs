using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The weekly management pack on the demo data: every figure checked against a direct query.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class ManagementPackFigures : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private ReportingPeriod Month() =>
        ReportingPeriod.Containing(PeriodKind.Month, H.Time.GetUtcNow().UtcDateTime, H.Get<CrmOptions>().TimeZone);

    [Fact]
    public async Task TheTeamLeadsPackHoldsTheTeamsFiguresOnly()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var period = Month();
        var pack = await H.Get<ReportService>().BuildAsync(null, period);
        Assert.Equal(me.TeamId, pack.Scope.TeamId);
        var team = me.TeamMemberIds;

        var won = await H.QueryAsync(db => db.Deals.Where(d => team.Contains(d.OwnerId) && d.Stage == StageCode.Won && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc)
            .SumAsync(d => d.PremiumKopecks));
        Assert.Equal(won, pack.Plan.Sum(p => p.WonPeriodKopecks));
        Assert.All(pack.Plan, p => Assert.Contains(p.ManagerId, team));

        var lost = await H.QueryAsync(db => db.Deals.CountAsync(d => team.Contains(d.OwnerId) && d.Stage == StageCode.Lost && d.LossReason != null
            && d.ClosedAt >= period.FromUtc && d.ClosedAt < period.ToUtc));
        Assert.Equal(lost, pack.LossesByProduct.Sum(l => l.Count));
        Assert.Equal(lost, pack.LossesByIndustry.Sum(l => l.Count));

        var open = await H.QueryAsync(db => db.Deals.CountAsync(d => team.Contains(d.OwnerId) && d.Stage == StageCode.Negotiation));
        Assert.Equal(open, pack.Funnel.Single(f => f.Stage == StageCode.Negotiation).Count);

        Assert.InRange(pack.Burning.Count, 1, ReportService.BurningCount);
        Assert.Equal(pack.Burning.OrderByDescending(b => b.Score).Select(b => b.DealId), pack.Burning.Select(b => b.DealId));
        Assert.All(pack.Burning, b => Assert.NotEmpty(b.Reasons));
        var burningOwners = await H.QueryAsync(db => db.Deals.Where(d => pack.Burning.Select(b => b.DealId).Contains(d.Id)).Select(d => d.OwnerId).ToListAsync());
        Assert.All(burningOwners, o => Assert.Contains(o, team));

        Assert.All(pack.Team, t => Assert.Contains(t.ManagerId, team));
        Assert.All(pack.DiscountsAboveTeamLead, d => Assert.NotEqual(SalesCrm.Domain.Approvals.ApprovalRoute.TeamLead, d.Route));
        Assert.True(pack.MonthForecast.ForecastKopecks >= pack.MonthForecast.WonKopecks);
    }

    [Fact]
    public async Task AManagerHasNoPackAndATeamLeadNoOtherTeams()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ReportService>().BuildAsync(null, Month()));
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var other = await H.QueryAsync(db => db.Teams.Where(t => t.Id != me.TeamId).Select(t => t.Id).FirstAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ReportService>().BuildAsync(other, Month()));
        await H.User.SignInAsAsync("head@demo.salescrm");
        var all = await H.Get<ReportService>().BuildAsync(null, Month());
        Assert.Null(all.Scope.TeamId);
    }
}
