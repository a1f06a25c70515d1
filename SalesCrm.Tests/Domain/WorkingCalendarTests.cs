using SalesCrm.Domain.Calendar;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>The Russian production calendar and the working minutes counted by it.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class WorkingCalendarTests
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    private static WorkingCalendar Calendar(IReadOnlyDictionary<int, WorkingHours>? teams = null, params (DateOnly, bool)[] edits)
    {
        var days = new Dictionary<DateOnly, bool>();
        for (var y = 2024; y <= 2028; y++)
            foreach (var d in RussianProductionCalendar.Year(y)) days[d.Date] = d.IsWorking;
        foreach (var (date, working) in edits) days[date] = working;
        return new WorkingCalendar(Moscow, WorkingHours.Default, teams ?? new Dictionary<int, WorkingHours>(), days);
    }

    private static DateTime Msk(int y, int m, int d, int h, int min = 0) => new DateTime(y, m, d, h, min, 0, DateTimeKind.Utc).AddHours(-3);

    [Theory]
    [InlineData("2026-01-01", false)] [InlineData("2026-01-08", false)] [InlineData("2026-01-09", false)] [InlineData("2026-01-12", true)]
    [InlineData("2026-02-23", false)] [InlineData("2026-03-09", false)] [InlineData("2026-05-01", false)] [InlineData("2026-05-11", false)]
    [InlineData("2026-06-12", false)] [InlineData("2026-11-04", false)] [InlineData("2026-12-31", false)] [InlineData("2026-12-30", true)]
    [InlineData("2025-11-01", true)] [InlineData("2025-11-03", false)] [InlineData("2025-05-08", false)] [InlineData("2025-06-13", false)]
    [InlineData("2024-04-27", true)] [InlineData("2024-12-28", true)] [InlineData("2024-04-29", false)]
    [InlineData("2027-02-20", true)] [InlineData("2027-02-22", false)] [InlineData("2027-06-14", false)]
    // 2028 has no decree in the app: 4 November falls on a Saturday and moves to Monday 6 November (Labour Code art. 112).
    [InlineData("2028-11-06", false)] [InlineData("2028-11-07", true)] [InlineData("2028-11-04", false)]
    public void TheProductionCalendarKnowsHolidaysMovedDaysAndWorkingSaturdays(string date, bool working) =>
        Assert.Equal(working, Calendar().IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void ALeadSentBeforeTheNewYearHolidaysHasWaitedOnlyItsWorkingMinutes()
    {
        // Wednesday 30 December 2026, 18:50; 31 December and 1–10 January are not worked; the call is on Monday 11 January at 09:05.
        Assert.Equal(15, Calendar().MinutesBetween(Msk(2026, 12, 30, 18, 50), Msk(2027, 1, 11, 9, 5)), 6);
        // The same span by the weekly rule alone would count 31 December and 1, 4–8 January.
        Assert.True(WorkingCalendar.WeekOnly(Moscow).MinutesBetween(Msk(2026, 12, 30, 18, 50), Msk(2027, 1, 11, 9, 5)) > 3000);
        Assert.False(Calendar().IsOpen(Msk(2027, 1, 5, 11)));
        Assert.True(Calendar().IsOpen(Msk(2027, 1, 11, 11)));
    }

    [Fact]
    public void ADepartmentEditAndATeamsOwnHoursWin()
    {
        var late = WorkingHours.Create(new TimeOnly(12, 0), new TimeOnly(21, 0), [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
            DayOfWeek.Friday, DayOfWeek.Saturday]);
        var calendar = Calendar(new Dictionary<int, WorkingHours> { [7] = late }, (new DateOnly(2026, 12, 30), false), (new DateOnly(2026, 1, 9), true));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 12, 30)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 1, 9)));
        // Team 7 starts at noon and works Saturdays; a holiday is still a holiday for it.
        Assert.Equal(0, calendar.MinutesBetween(Msk(2026, 12, 1, 9), Msk(2026, 12, 1, 12), 7));
        Assert.Equal(180, calendar.MinutesBetween(Msk(2026, 12, 1, 9), Msk(2026, 12, 1, 12)));
        Assert.Equal(60, calendar.MinutesBetween(Msk(2026, 12, 5, 12), Msk(2026, 12, 5, 13), 7));
        Assert.Equal(0, calendar.MinutesBetween(Msk(2026, 12, 5, 12), Msk(2026, 12, 5, 13)));
        Assert.False(calendar.IsOpen(Msk(2026, 6, 12, 13), 7));
        Assert.True(calendar.AnyoneOpen(Msk(2026, 12, 5, 13)));
        Assert.Equal(9 * 60, calendar.DayMinutes(7));
    }

    [Fact]
    public void TeamHoursAreChecked()
    {
        Assert.Equal(nameof(WorkingHours.End), Assert.Throws<DomainException>(() => WorkingHours.Create(new TimeOnly(18, 0), new TimeOnly(9, 0), [DayOfWeek.Monday])).Field);
        Assert.Equal(nameof(WorkingHours.Days), Assert.Throws<DomainException>(() => WorkingHours.Create(new TimeOnly(9, 0), new TimeOnly(18, 0), [])).Field);
        var hours = WorkingHours.Create(new TimeOnly(9, 0), new TimeOnly(18, 0), [DayOfWeek.Monday, DayOfWeek.Saturday]);
        Assert.Equal(hours.Days.Order(), WorkingHours.FromMask(hours.DaysMask).Order());
    }
}
