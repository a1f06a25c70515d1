namespace SalesCrm.Domain.Calendar;

/// <summary>
/// The department's working time: each team's <see cref="WorkingHours"/> and the days that differ from the weekly rule
/// (public holidays, transferred days off, working Saturdays). Speed to lead, the SLAs and every "working minutes" figure
/// count only minutes inside it: a form sent at 23:00, or on 2 January, is not "late" an hour later.
/// </summary>
public sealed class WorkingCalendar(TimeZoneInfo zone, WorkingHours department, IReadOnlyDictionary<int, WorkingHours> teams,
    IReadOnlyDictionary<DateOnly, bool> exceptions)
{
    /// <summary>Weekly hours only (no holidays): for tests and for a department that keeps no calendar.</summary>
    public static WorkingCalendar WeekOnly(TimeZoneInfo zone, WorkingHours? hours = null) =>
        new(zone, hours ?? WorkingHours.Default, new Dictionary<int, WorkingHours>(), new Dictionary<DateOnly, bool>());

    public TimeZoneInfo Zone => zone;

    public WorkingHours Department => department;

    /// <summary>A team's hours, or the department's when the team keeps none.</summary>
    public WorkingHours Hours(int? teamId) => teamId is { } id && teams.TryGetValue(id, out var own) ? own : department;

    /// <summary>Whether a date is worked: a holiday or transferred day first, then the team's weekdays.</summary>
    public bool IsWorkingDay(DateOnly date, int? teamId = null) =>
        exceptions.TryGetValue(date, out var working) ? working : Hours(teamId).Days.Contains(date.DayOfWeek);

    /// <summary>Working minutes between two moments (UTC), by the team's hours in the department's zone.</summary>
    public double MinutesBetween(DateTime fromUtc, DateTime toUtc, int? teamId = null)
    {
        if (toUtc <= fromUtc) return 0;
        var hours = Hours(teamId);
        var from = TimeZoneInfo.ConvertTimeFromUtc(fromUtc, zone);
        var to = TimeZoneInfo.ConvertTimeFromUtc(toUtc, zone);
        double total = 0;
        for (var day = from.Date; day <= to.Date; day = day.AddDays(1))
        {
            if (!IsWorkingDay(DateOnly.FromDateTime(day), teamId)) continue;
            var open = day + hours.Start.ToTimeSpan();
            var close = day + hours.End.ToTimeSpan();
            var s = from > open ? from : open;
            var e = to < close ? to : close;
            if (e > s) total += (e - s).TotalMinutes;
        }
        return total;
    }

    /// <summary>Whether the team is at work at an instant.</summary>
    public bool IsOpen(DateTime utc, int? teamId = null)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var hours = Hours(teamId);
        var t = TimeOnly.FromDateTime(local);
        return IsWorkingDay(DateOnly.FromDateTime(local), teamId) && t >= hours.Start && t < hours.End;
    }

    /// <summary>Whether any team is at work at an instant (the background checks run then).</summary>
    public bool AnyoneOpen(DateTime utc) => IsOpen(utc) || teams.Keys.Any(t => IsOpen(utc, t));

    /// <summary>The length of the team's working day in minutes, for "N working days" in the interface.</summary>
    public double DayMinutes(int? teamId = null) => (Hours(teamId).End - Hours(teamId).Start).TotalMinutes;
}
