using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Reports;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Web;

/// <summary>The Monday pack: produced once per team and week, by whichever node scans first, never before its time.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class WeeklyPackSchedule : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private WeeklyPackScheduler Node() => new(H.Get<IServiceScopeFactory>(), H.Get<IProviderContextFactory>(), H.Time, H.Get<CrmOptions>(),
        new ReportScheduleOptions(), new SmtpOptions(), new SalesCrm.Web.Resources.PoLocalizer(), NullLogger<WeeklyPackScheduler>.Instance);

    [Fact]
    public async Task EachTeamGetsThePackOfTheWeekJustEndedOnceAcrossNodesAndRestarts()
    {
        // Next Monday 08:01 in Moscow (05:01 UTC).
        var today = H.Time.GetUtcNow().UtcDateTime.Date;
        var monday = today.AddDays(((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7 + 7);
        H.Time.SetUtcNow(monday.AddHours(5).AddMinutes(1));
        var teams = await H.QueryAsync(db => db.Teams.CountAsync());

        var first = Node();
        var (due, week) = first.LastDue(H.Time.GetUtcNow().UtcDateTime);
        Assert.Equal(monday.AddHours(5), due);
        Assert.Equal(DateOnly.FromDateTime(monday.AddDays(-7)), week.FirstDay);
        Assert.Equal(DateOnly.FromDateTime(monday.AddDays(-1)), week.LastDay);

        var made = await Task.WhenAll(first.ScanAsync(), Node().ScanAsync()); // two nodes at the same moment
        Assert.Equal(teams, made.Sum());
        Assert.Equal(0, await Node().ScanAsync()); // a restart later the same day
        var archived = await H.QueryAsync(db => db.ReportArchive.AsNoTracking().ToListAsync());
        Assert.Equal(teams, archived.Count);
        Assert.All(archived, a => Assert.Equal(monday.AddDays(-7), a.PeriodStart));
        Assert.All(archived, a => Assert.True(a.Content.Length > 1000));

        // Sunday evening: the next week is not due yet.
        H.Time.SetUtcNow(monday.AddDays(6).AddHours(20));
        Assert.Equal(0, await Node().ScanAsync());
        H.Time.SetUtcNow(monday.AddDays(7).AddHours(5).AddMinutes(2));
        Assert.Equal(teams, await Node().ScanAsync());

        // The team lead downloads the team's pack and not the other team's.
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var reports = H.Get<ReportService>();
        var list = await reports.ArchiveAsync();
        Assert.Equal(2, list.Count);
        var own = await H.QueryAsync(db => db.ReportArchive.Where(a => a.TeamId == me.TeamId).Select(a => a.Id).FirstAsync());
        var other = await H.QueryAsync(db => db.ReportArchive.Where(a => a.TeamId != me.TeamId).Select(a => a.Id).FirstAsync());
        Assert.NotEmpty((await reports.ArchivedFileAsync(own)).Content);
        await Assert.ThrowsAsync<AccessDeniedException>(() => reports.ArchivedFileAsync(other));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<ReportService>().ArchiveAsync());
    }
}
