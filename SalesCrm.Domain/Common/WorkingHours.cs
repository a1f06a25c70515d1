namespace SalesCrm.Domain.Common;

/// <summary>
/// The department's working hours (default Monday–Friday 09:00–19:00 local time). The speed-to-lead clock
/// counts only minutes inside them: a form sent at 23:00 is not "late" at 23:06.
/// </summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End, IReadOnlySet<DayOfWeek> Days)
{
    public static WorkingHours Default { get; } = new(new TimeOnly(9, 0), new TimeOnly(19, 0),
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday });

    /// <summary>Working minutes between two moments (UTC), in the given time zone.</summary>
    public double MinutesBetween(DateTime fromUtc, DateTime toUtc, TimeZoneInfo zone)
    {
        if (toUtc <= fromUtc) return 0;
        var from = TimeZoneInfo.ConvertTimeFromUtc(fromUtc, zone);
        var to = TimeZoneInfo.ConvertTimeFromUtc(toUtc, zone);
        double total = 0;
        for (var day = from.Date; day <= to.Date; day = day.AddDays(1))
        {
            if (!Days.Contains(day.DayOfWeek)) continue;
            var open = day + Start.ToTimeSpan();
            var close = day + End.ToTimeSpan();
            var s = from > open ? from : open;
            var e = to < close ? to : close;
            if (e > s) total += (e - s).TotalMinutes;
        }
        return total;
    }

    public bool IsOpen(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var t = TimeOnly.FromDateTime(local);
        return Days.Contains(local.DayOfWeek) && t >= Start && t < End;
    }
}
