using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Diagnostics;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Activities;
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
[Trait(TestKind.Key, TestKind.Data)]
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

    private static readonly Dictionary<string, string> Tagged = new() { ["utm_source"] = "yandex" };

    private async Task<Lead> AddLeadAsync(DateTime created, DateTime? contact, bool tagged = true, LeadChannel channel = LeadChannel.Website,
        Action<Lead>? then = null)
    {
        await using var db = H.Db();
        var lead = new Lead(channel, "ООО «Лид»", null, null, "+7 495 123-45-67", null, null, "Москва", null, null, tagged ? Tagged : null, created);
        lead.AssignTo(_seller, AssignmentReason.Territory, null, null, "territory", created);
        if (contact is { } c) lead.RecordContact(c);
        then?.Invoke(lead);
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        return lead;
    }

    private async Task AddAsync(params object[] entities)
    {
        await using var db = H.Db();
        db.AddRange(entities);
        await db.SaveChangesAsync();
    }

    /// <summary>Measures <paramref name="code"/>: a warning exactly at the threshold, triggered after <paramref name="oneMore"/>.</summary>
    private async Task AtThenPastAsync(string code, double atValue, Func<Task> oneMore, double pastValue)
    {
        var at = await MeasureAsync(code);
        Assert.Equal(atValue, at.Value!.Value, 9);
        Assert.Equal(DiagnosticStatus.Warning, at.Status);
        await oneMore();
        var past = await MeasureAsync(code);
        Assert.Equal(pastValue, past.Value!.Value, 9);
        Assert.Equal(DiagnosticStatus.Triggered, past.Status);
    }

    private Activity Call(int day, bool missed = false, bool fromTelephony = true, ActivityDirection direction = ActivityDirection.Inbound) => fromTelephony
        ? Activity.FromCall(Guid.NewGuid().ToString("N"), direction, Msk(day, 11), 120, missed, null, _seller, null, _client, null, Now)
        : new Activity(ActivityKind.Call, Msk(day, 11), _seller, null, _client, null, direction, 2, "Дозвонились", null, null, Now);

    [Fact]
    public async Task MissedCallsAtFifteenPercentIsAWarningAndMoreTriggered()
    {
        await AddAsync([.. Enumerable.Range(2, 20).Select(day => Call(day, missed: day <= 4))]); // 3 of 20
        await AtThenPastAsync(TriggerCodes.MissedCalls, 0.15, () => AddAsync(Call(25, missed: true)), 4.0 / 21);
    }

    [Fact]
    public async Task LeadsLostBeforeContactAtTenPercentIsAWarningAndMoreTriggered()
    {
        for (var day = 2; day <= 10; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 5));
        await AddLeadAsync(Msk(11, 10), null, then: l => l.Disqualify("Не дозвонились", Msk(12, 10)));
        await AtThenPastAsync(TriggerCodes.LostBeforeContact, 0.1, () => AddLeadAsync(Msk(13, 10), null, then: l => l.Disqualify("Не дозвонились", Msk(14, 10))), 2.0 / 11);
    }

    [Fact]
    public async Task LeadsWithoutSourceTagsAtTenPercentIsAWarningAndMoreTriggered()
    {
        for (var day = 2; day <= 10; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 5));
        await AddLeadAsync(Msk(11, 10), Msk(11, 10, 5), tagged: false);
        await AtThenPastAsync(TriggerCodes.NoSource, 0.1, () => AddLeadAsync(Msk(12, 10), Msk(12, 10, 5), tagged: false), 2.0 / 11);
    }

    [Fact]
    public async Task RepeatSubmissionsAtTenPercentAreAWarningAndMoreTriggered()
    {
        for (var day = 2; day <= 9; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 5));
        var repeated = await AddLeadAsync(Msk(10, 10), Msk(10, 10, 5), then: l => l.Touch("Оставил заявку ещё раз", Msk(11, 10)));
        // 9 leads and 1 repeat: 1 of 10 submissions.
        await AtThenPastAsync(TriggerCodes.CrossChannelDuplicates, 0.1, async () =>
        {
            await using var db = H.Db();
            (await db.Leads.SingleAsync(l => l.Id == repeated.Id)).Touch(null, Msk(12, 10));
            await db.SaveChangesAsync();
        }, 2.0 / 11);
    }

    [Fact]
    public async Task CallsTypedByHandAtHalfAreAWarningAndMoreTriggered()
    {
        await AddAsync([.. Enumerable.Range(2, 10).Select(day => Call(day, fromTelephony: day > 6, direction: ActivityDirection.Outbound))]); // 5 of 10
        await AtThenPastAsync(TriggerCodes.ManualCalls, 0.5, () => AddAsync(Call(20, fromTelephony: false, direction: ActivityDirection.Outbound)), 6.0 / 11);
    }

    [Fact]
    public async Task OverdueTasksAtFifteenPercentIsAWarningAndMoreTriggered()
    {
        TaskItem Task(int daysFromNow) => TaskItem.FromHistory(TaskKind.FollowUp, "Позвонить", _seller, _seller, Now.AddDays(daysFromNow), null, _client,
            Now.AddDays(-30), null);
        await AddAsync([.. Enumerable.Range(0, 20).Select(i => Task(i < 3 ? -2 : 3))]); // 3 of 20 overdue
        await AtThenPastAsync(TriggerCodes.OverdueTasks, 0.15, () => AddAsync(Task(-1)), 4.0 / 21);
    }

    [Fact]
    public async Task StuckDealsAtFifteenPercentAreAWarningAndMoreTriggeredAndTheirStageIsSlow()
    {
        await using (var db = H.Db())
        {
            var product = await db.Products.FirstAsync();
            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            Deal Make(int days) => new(_client, product.Id, _seller, Money.FromRubles(100_000), Now.AddDays(60), first, _seller, Now.AddDays(-days));
            db.Deals.AddRange(Enumerable.Range(0, 20).Select(i => Make(i < 3 ? first.StuckAfterDays + 1 : 1)));
            await db.SaveChangesAsync();
        }
        var slow = await MeasureAsync(TriggerCodes.SlowStages);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (slow.Value!.Value, slow.Status));
        await AtThenPastAsync(TriggerCodes.StuckShare, 0.15, async () =>
        {
            await using var db = H.Db();
            var product = await db.Products.FirstAsync();
            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            db.Deals.Add(new Deal(_client, product.Id, _seller, Money.FromRubles(100_000), Now.AddDays(60), first, _seller, Now.AddDays(-first.StuckAfterDays * 20)));
            await db.SaveChangesAsync();
        }, 4.0 / 21);
        // One very old deal pulls the stage's average time over its threshold.
        var slower = await MeasureAsync(TriggerCodes.SlowStages);
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (slower.Value!.Value, slower.Status));
    }

    [Fact]
    public async Task AManagerAtCapacityIsFineAndOneDealMoreIsOver()
    {
        await using (var db = H.Db())
        {
            var seller = await db.Managers.SingleAsync(m => m.Id == _seller);
            seller.SetProfile(seller.Experience, 2, seller.Territories, seller.Industries, seller.ProductSpecializations);
            var product = await db.Products.FirstAsync();
            var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New);
            for (var i = 0; i < 2; i++) db.Deals.Add(new Deal(_client, product.Id, _seller, Money.FromRubles(100_000), Now.AddDays(60), first, _seller, Now.AddDays(-1)));
            await db.SaveChangesAsync();
        }
        var at = await MeasureAsync(TriggerCodes.OverCapacity);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (at.Value!.Value, at.Status));
        await using (var db = H.Db())
        {
            var product = await db.Products.FirstAsync();
            db.Deals.Add(new Deal(_client, product.Id, _seller, Money.FromRubles(100_000), Now.AddDays(60), await db.Stages.SingleAsync(s => s.Code == StageCode.New),
                _seller, Now.AddDays(-1)));
            await db.SaveChangesAsync();
        }
        var over = await MeasureAsync(TriggerCodes.OverCapacity);
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (over.Value!.Value, over.Status));
    }

    [Theory]
    [InlineData(TriggerCodes.NoWeeklyPack, RitualKind.WeeklyPack)]
    [InlineData(TriggerCodes.DecisionsWithoutData, RitualKind.Dashboard)]
    [InlineData(TriggerCodes.DecisionsWithoutData, RitualKind.Reports)]
    public async Task ARitualFourteenDaysAgoIsAWarningAndFifteenTriggered(string code, RitualKind kind)
    {
        var team = await H.QueryAsync(db => db.Teams.Where(t => t.Name == "Команда для диагностики").Select(t => t.Id).SingleAsync());
        var never = await MeasureAsync(code);
        Assert.Equal(DiagnosticStatus.Triggered, never.Status);
        var day = H.Get<CrmOptions>().Today(Now);   // rituals are marked on the department's calendar day
        await AddAsync(new RitualMark(team, kind, day.AddDays(-15)));
        var fifteen = await MeasureAsync(code);
        Assert.Equal((15.0, DiagnosticStatus.Triggered), (fifteen.Value!.Value, fifteen.Status));
        await AddAsync(new RitualMark(team, kind, day.AddDays(-14)));
        var fourteen = await MeasureAsync(code);
        Assert.Equal((14.0, DiagnosticStatus.Warning), (fourteen.Value!.Value, fourteen.Status));
        await AddAsync(new RitualMark(team, kind, day));
        var today = await MeasureAsync(code);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (today.Value!.Value, today.Status));
    }

    [Fact]
    public async Task ABoardLastSeenFifteenDaysAgoIsUnwatched()
    {
        var team = await H.QueryAsync(db => db.Teams.Where(t => t.Name == "Команда для диагностики").Select(t => t.Id).SingleAsync());
        var board = new BoardToken("ТВ диагностики", team, "diag-board-token", _seller, Now.AddDays(-60));
        board.Seen(Now.AddDays(-15).AddHours(-1));
        await AddAsync(board);
        var fifteen = await MeasureAsync(TriggerCodes.BoardUnwatched);
        Assert.Equal((15.0, DiagnosticStatus.Triggered), (fifteen.Value!.Value, fifteen.Status));
        await using (var db = H.Db())
        {
            (await db.BoardTokens.SingleAsync(t => t.Name == "ТВ диагностики")).Seen(Now.AddDays(-14).AddHours(-1));
            await db.SaveChangesAsync();
        }
        var fourteen = await MeasureAsync(TriggerCodes.BoardUnwatched);
        Assert.Equal((14.0, DiagnosticStatus.Warning), (fourteen.Value!.Value, fourteen.Status));
    }

    [Fact]
    public async Task AChannelSilentForThirtyOneDaysIsCountedAndOneHeardFromYesterdayIsNot()
    {
        var heard = await MeasureAsync(TriggerCodes.SilentChannels);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (heard.Value!.Value, heard.Status));
        await AddLeadAsync(Now.AddDays(-1), null, channel: LeadChannel.Website);
        await AddLeadAsync(Now.AddDays(-29), null, channel: LeadChannel.Partner);
        var fresh = await MeasureAsync(TriggerCodes.SilentChannels);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (fresh.Value!.Value, fresh.Status));
        await AddLeadAsync(Now.AddDays(-31), null, channel: LeadChannel.Phone);
        var silent = await MeasureAsync(TriggerCodes.SilentChannels);
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (silent.Value!.Value, silent.Status));
        Assert.Contains("Phone", silent.Note?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDuplicatePairIsFineAndOneIsTriggered()
    {
        var none = await MeasureAsync(TriggerCodes.Duplicates);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (none.Value!.Value, none.Status));
        await AddAsync(new Client("ООО «Диагностика-2»", Inn.Parse("7707083893"), null, "Производство", "Москва", ClientSegment.Medium, _seller, Now));
        var pair = await MeasureAsync(TriggerCodes.Duplicates);
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (pair.Value!.Value, pair.Status));
    }

    [Fact]
    public async Task ResponseTimeAtTenMinutesIsAWarningAndPastItTriggered()
    {
        for (var day = 2; day <= 4; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 10)); // Monday to Wednesday, ten working minutes each
        var at = await MeasureAsync(TriggerCodes.ResponseMedian);
        Assert.Equal((10.0, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));

        await AddLeadAsync(Msk(5, 10), Msk(5, 10, 11));
        await AddLeadAsync(Msk(6, 10), Msk(6, 10, 12));
        var past = await MeasureAsync(TriggerCodes.ResponseMedian);
        Assert.Equal((10.0, DiagnosticStatus.Warning), (past.Value!.Value, past.Status)); // median of 10, 10, 10, 11, 12
        await AddLeadAsync(Msk(10, 10), Msk(10, 10, 13));
        await AddLeadAsync(Msk(11, 10), Msk(11, 10, 14));
        var over = await MeasureAsync(TriggerCodes.ResponseMedian);
        Assert.Equal((11.0, DiagnosticStatus.Triggered), (over.Value!.Value, over.Status)); // 10, 10, 10, 11, 12, 13, 14
    }

    [Fact]
    public async Task ContactRateAtSixtyPercentIsAWarningAndBelowItTriggered()
    {
        for (var day = 2; day <= 4; day++) await AddLeadAsync(Msk(day, 10), Msk(day, 10, 5));
        for (var day = 5; day <= 6; day++) await AddLeadAsync(Msk(day, 10), null);
        var at = await MeasureAsync(TriggerCodes.ContactRate);
        Assert.Equal((0.6, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));
        await AddLeadAsync(Msk(9, 10), null);
        var below = await MeasureAsync(TriggerCodes.ContactRate);
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
        var at = await MeasureAsync(TriggerCodes.NoNextStep);
        Assert.Equal((0.1, DiagnosticStatus.Warning), (at.Value!.Value, at.Status));

        await using (var db = H.Db())
        {
            var task = await db.Tasks.FirstAsync(t => t.DealId == _deals[1]);
            task.Complete(Now);
            await db.SaveChangesAsync();
        }
        var over = await MeasureAsync(TriggerCodes.NoNextStep);
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
        var veteran = await MeasureAsync(TriggerCodes.NewManagers);
        Assert.Equal((0.0, DiagnosticStatus.Ok), (veteran.Value!.Value, veteran.Status));
        await using (var db = H.Db())
        {
            var seller = await db.Managers.SingleAsync(m => m.Id == _seller);
            db.Entry(seller).Property(m => m.HiredOn).CurrentValue = Now.AddDays(-89);
            await db.SaveChangesAsync();
        }
        var fresh = await MeasureAsync(TriggerCodes.NewManagers);
        Assert.Equal((1.0, DiagnosticStatus.Triggered), (fresh.Value!.Value, fresh.Status));
    }
}
