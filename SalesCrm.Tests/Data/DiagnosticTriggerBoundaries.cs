using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Triggers at their threshold boundaries on a hand-built team (March 2026, Moscow): exactly at the threshold is a warning,
/// one record past it is triggered — measured through the service from the real database.
/// </summary>
public sealed class DiagnosticTriggerBoundaries : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;
    private int _seller, _client;
    private readonly List<int> _deals = [];

    public async ValueTask InitializeAsync()
    {
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());
        await using var db = H.Db();
        var team = new Team("Команда для диагностики");
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        foreach (var (email, role) in new[] { ("lead@diag.test", StaffRole.TeamLead), ("seller@diag.test", StaffRole.Manager) })
        {
            var user = new AppUser { UserName = email, Email = email };
            db.Users.Add(user);
            db.Managers.Add(new Manager(user.Id, email, email, role, team.Id, Now.AddYears(-2)));
        }
        await db.SaveChangesAsync();
        _seller = await db.Managers.Where(m => m.Email == "seller@diag.test").Select(m => m.Id).SingleAsync();
        var client = new Client("ООО «Диагностика»", Inn.Parse("7707083893"), null, "Производство", "Москва", ClientSegment.Medium, _seller, Now.AddYears(-1));
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        _client = client.Id;
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private DateTime Now => H.Time.GetUtcNow().UtcDateTime;

    /// <summary>Moscow wall time on a day of March 2026 → UTC.</summary>
    private static DateTime Msk(int day, int hour, int minute = 0) => new DateTime(2026, 3, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-3);

    private async Task<TriggerResult> MeasureAsync(string code)
    {
        await H.User.SignInAsAsync("lead@diag.test");
        var march = ReportingPeriod.Month(2026, 3, H.Get<CrmOptions>().TimeZone);
        var report = await H.Get<DiagnosticsService>().ReportAsync(null, march);
        return report.Blocks.SelectMany(b => b.Triggers).Single(t => t.Trigger.Code == code);
    }

    private async Task AddLeadAsync(DateTime created, DateTime? contact)
    {
        await using var db = H.Db();
        var lead = new Lead(LeadChannel.Website, "ООО «Лид»", null, null, "+7 495 123-45-67", null, null, "Москва", null, null, null, created);
        lead.AssignTo(_seller, AssignmentReason.Territory, null, null, "territory", created);
        if (contact is { } c) lead.RecordContact(c);
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ResponseTimeAtTenMinutesIsAWarningAndPastItTriggered()
    {
        for (var day = 2; day <= 4; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 10)); // Monday to Wednesday, ten working minutes each
        var at = await MeasureAsync("ResponseMedian");
        Assert.Equal((10.0, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));

        await AddLeadAsync(Msk(5, 10), Msk(5, 10, 11));
        await AddLeadAsync(Msk(6, 10), Msk(6, 10, 12));
        var past = await MeasureAsync("ResponseMedian");
        Assert.Equal((10.0, DiagnosticStatus.Warning), (past.Value!.Value, past.Status)); // median of 10, 10, 10, 11, 12
        await AddLeadAsync(Msk(10, 10), Msk(10, 10, 13));
        await AddLeadAsync(Msk(11, 10), Msk(11, 10, 14));
        var over = await MeasureAsync("ResponseMedian");
        Assert.Equal((11.0, DiagnosticStatus.Triggered), (over.Value!.Value, over.Status)); // 10, 10, 10, 11, 12, 13, 14
    }

    [Fact]
    public async Task ContactRateAtSixtyPercentIsAWarningAndBelowItTriggered()
    {
        for (var day = 2; day <= 4; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 5));
        for (var day = 5; day <= 6; day++) await AddLeadAsync(Msk(day, 10), null);
        var at = await MeasureAsync("ContactRate");
        Assert.Equal((0.6, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));
        await AddLeadAsync(Msk(9, 10), null);
        var below = await MeasureAsync("ContactRate");
        Assert.Equal(DiagnosticStatus.Triggered, below.Status);
        Assert.Equal(0.5, below.Value!.Value, 9);
    }

    [Fact]
    public async Task TenPercentOfDealsWithoutANextStepIsAWarningAndMoreTriggered()
    {
        await using (var db = H.Db())
        {
            var product = await db.Products.FirstAsync();
            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            for (var i = 0; i < 10; i++)
            {
                var deal = new Deal(_client, product.Id, _seller, Money.FromRubles(100_000), Now.AddDays(30), first, _seller, Now.AddDays(-5));
                db.Deals.Add(deal);
                await db.SaveChangesAsync();
                _deals.Add(deal.Id);
                if (i > 0) db.Tasks.Add(new TaskItem(TaskKind.FollowUp, "Позвонить", _seller, _seller, Now.AddDays(2), deal.Id, _client, null, Now));
            }
            await db.SaveChangesAsync();
        }
        var at = await MeasureAsync("NoNextStep");
        Assert.Equal((0.1, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));

        await using (var db = H.Db())
        {
            var task = await db.Tasks.FirstAsync(t => t.DealId == _deals[1]);
            task.Complete(Now);
            await db.SaveChangesAsync();
        }
        var over = await MeasureAsync("NoNextStep");
        Assert.Equal((0.2, DiagnosticStatus.Triggered), (over.Value!.Value, over.Status));
    }

    [Fact]
    public async Task AManagerHiredEightyNineDaysAgoIsNewAndOneHiredNinetyOneDaysAgoIsNot()
    {
        await using (var db = H.Db())
        {
            var seller = await db.Managers.SingleAsync(m => m.Id == _seller);
            db.Entry(seller).Property(m => m.HiredOn).CurrentValue = Now.AddDays(-91);
            await db.SaveChangesAsync();
        }
        var veteran = await MeasureAsync("NewManagers");
        Assert.Equal((0.0, DiagnosticStatus.Ok), (veteran.Value!.Value, veteran.Status));
        await using (var db = H.Db())
        {
            var seller = await db.Managers.SingleAsync(m => m.Id == _seller);
            db.Entry(seller).Property(m => m.HiredOn).CurrentValue = Now.AddDays(-89);
            await db.SaveChangesAsync();
        }
        var fresh = await MeasureAsync("NewManagers");
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (fresh.Value!.Value, fresh.Status));
    }
}
