using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Calendar;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Calendar;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The department's calendar and teams' hours as /admin changes them, and the figures that follow.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class CalendarAdministration : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    /// <summary>A working Tuesday at least two weeks ahead, 10:00 in Moscow, as UTC.</summary>
    private async Task<DateTime> WorkingTuesdayAsync()
    {
        var day = H.Time.GetUtcNow().UtcDateTime.Date.AddDays(14);
        var calendar = await H.Get<WorkingCalendarSource>().CurrentAsync();
        while (day.DayOfWeek != DayOfWeek.Tuesday || !calendar.IsWorkingDay(DateOnly.FromDateTime(day))) day = day.AddDays(1);
        return day.AddHours(7);
    }

    private async Task<int> LeadAsync()
    {
        var created = await H.Get<LeadIntakeService>().SubmitAsync(
            new LeadSubmission("ООО «Календарь»", null, "Ольга", "+7 495 222-33-44", null, null, null, "Москва", null, null, null),
            new IntakeSource(null, "Тест", null, LeadChannel.Website), null);
        return created.LeadId!.Value;
    }

    [Fact]
    public async Task AHolidayTheHeadMarksStopsTheSpeedToLeadClock()
    {
        var tuesday = await WorkingTuesdayAsync();
        H.Time.SetUtcNow(tuesday);
        var id = await LeadAsync();
        var scanner = H.Get<SpeedToLeadScanner>();

        await H.User.SignInAsAsync("head@demo.salescrm");
        var calendar = H.Get<CalendarAdminService>();
        H.Events.Clear();
        await calendar.SetDayAsync(DateOnly.FromDateTime(tuesday), false, "Корпоративный выходной");
        Assert.Contains(H.Events.Published, e => e is SettingsChanged { Area: "calendar" });
        var row = Assert.Single(await calendar.YearAsync(tuesday.Year), d => d.Date == DateOnly.FromDateTime(tuesday));
        Assert.True(row.Edited);
        Assert.False(row.IsWorking);
        Assert.Contains(await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(CalendarDay)).ToListAsync()), a => a.Action == AuditAction.Created);

        H.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await scanner.ScanAsync());
        Assert.Equal(0, await H.QueryAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.SpeedToLead && n.DedupKey!.EndsWith(":" + id))));

        await calendar.ResetDayAsync(DateOnly.FromDateTime(tuesday));
        Assert.DoesNotContain(await calendar.YearAsync(tuesday.Year), d => d.Date == DateOnly.FromDateTime(tuesday));
        Assert.True(await scanner.ScanAsync() > 0);
        Assert.True(await H.QueryAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.SpeedToLead && n.DedupKey!.EndsWith(":" + id))) > 0);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => calendar.SetDayAsync(DateOnly.FromDateTime(tuesday), false, null));
    }

    [Fact]
    public async Task ATeamLeadSetsTheirTeamsHoursOnlyWhenTheHeadAllows()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var calendar = H.Get<CalendarAdminService>();
        var own = Assert.Single(await calendar.TeamHoursAsync());
        Assert.False(own.CanEdit);
        var late = new WorkingHours(new TimeOnly(11, 0), new TimeOnly(20, 0), WorkingHours.Weekdays);
        await Assert.ThrowsAsync<AccessDeniedException>(() => calendar.SetTeamHoursAsync(own.TeamId, late));

        await H.User.SignInAsAsync("head@demo.salescrm");
        var other = (await calendar.TeamHoursAsync()).First(t => t.TeamId != own.TeamId);
        await calendar.SetHoursDelegationAsync(true);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        await calendar.SetTeamHoursAsync(own.TeamId, late);
        await Assert.ThrowsAsync<AccessDeniedException>(() => calendar.SetTeamHoursAsync(other.TeamId, late));
        var ex = await Assert.ThrowsAsync<DomainException>(() => calendar.SetTeamHoursAsync(own.TeamId, new WorkingHours(new TimeOnly(20, 0), new TimeOnly(11, 0), WorkingHours.Weekdays)));
        Assert.Equal(nameof(WorkingHours.End), ex.Field);

        var hours = (await H.Get<WorkingCalendarSource>().CurrentAsync()).Hours(own.TeamId);
        Assert.Equal(new TimeOnly(11, 0), hours.Start);
        Assert.Equal(new TimeOnly(9, 0), (await H.Get<WorkingCalendarSource>().CurrentAsync()).Hours(other.TeamId).Start);

        // The team's leads count from 11:00: a lead at 09:00 contacted at 11:10 waited 10 minutes.
        var tuesday = await WorkingTuesdayAsync(); // 10:00 MSK
        Assert.Equal(10, (await H.Get<WorkingCalendarSource>().CurrentAsync()).MinutesBetween(tuesday.AddHours(-1), tuesday.AddMinutes(70), own.TeamId), 6);

        await calendar.SetTeamHoursAsync(own.TeamId, null);
        Assert.False(Assert.Single(await calendar.TeamHoursAsync()).Own);
    }
}
