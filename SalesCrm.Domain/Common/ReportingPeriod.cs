namespace SalesCrm.Domain.Common;

public enum PeriodKind
{
    Month = 1,
    Quarter = 2,
    Week = 3,
    Custom = 4,
}

/// <summary>
/// A reporting period: calendar month, quarter or week in the department's time zone, or custom dates;
/// held as a half-open UTC range [<see cref="FromUtc"/>, <see cref="ToUtc"/>) plus the local dates it covers.
/// </summary>
public sealed record ReportingPeriod(PeriodKind Kind, DateOnly FirstDay, DateOnly LastDay, DateTime FromUtc, DateTime ToUtc)
{
    public static ReportingPeriod Month(int year, int month, TimeZoneInfo zone)
    {
        var first = new DateOnly(year, month, 1);
        return Of(PeriodKind.Month, first, first.AddMonths(1).AddDays(-1), zone);
    }

    public static ReportingPeriod Quarter(int year, int quarter, TimeZoneInfo zone)
    {
        if (quarter is < 1 or > 4) throw new DomainException("Квартал — от 1 до 4.");
        var first = new DateOnly(year, (quarter - 1) * 3 + 1, 1);
        return Of(PeriodKind.Quarter, first, first.AddMonths(3).AddDays(-1), zone);
    }

    /// <summary>The ISO week (Monday to Sunday) containing <paramref name="day"/>.</summary>
    public static ReportingPeriod Week(DateOnly day, TimeZoneInfo zone)
    {
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        return Of(PeriodKind.Week, monday, monday.AddDays(6), zone);
    }

    public static ReportingPeriod Custom(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        if (last < first) throw new DomainException("Конец периода раньше начала.");
        if (last.DayNumber - first.DayNumber > 366 * 3) throw new DomainException("Период — не длиннее трёх лет.");
        return Of(PeriodKind.Custom, first, last, zone);
    }

    /// <summary>The month, quarter or week that contains the moment <paramref name="utcNow"/> (local time).</summary>
    public static ReportingPeriod Containing(PeriodKind kind, DateTime utcNow, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone));
        return kind switch
        {
            PeriodKind.Month => Month(today.Year, today.Month, zone),
            PeriodKind.Quarter => Quarter(today.Year, (today.Month - 1) / 3 + 1, zone),
            PeriodKind.Week => Week(today, zone),
            _ => throw new DomainException("Для произвольного периода укажите даты."),
        };
    }

    /// <summary>The period of the same kind and length just before this one.</summary>
    public ReportingPeriod Previous(TimeZoneInfo zone) => Kind switch
    {
        PeriodKind.Month => Month(FirstDay.AddMonths(-1).Year, FirstDay.AddMonths(-1).Month, zone),
        PeriodKind.Quarter => Quarter(FirstDay.AddMonths(-3).Year, (FirstDay.AddMonths(-3).Month - 1) / 3 + 1, zone),
        PeriodKind.Week => Week(FirstDay.AddDays(-7), zone),
        _ => Custom(FirstDay.AddDays(-(Days)), FirstDay.AddDays(-1), zone),
    };

    public int Days => LastDay.DayNumber - FirstDay.DayNumber + 1;

    /// <summary>Calendar months (year, month) the period touches — for monthly plans.</summary>
    public IEnumerable<(int Year, int Month)> Months()
    {
        for (var m = new DateOnly(FirstDay.Year, FirstDay.Month, 1); m <= LastDay; m = m.AddMonths(1)) yield return (m.Year, m.Month);
    }

    /// <summary>A calendar date (stored as UTC midnight) falls within the period's days.</summary>
    public bool ContainsDate(DateTime date) => DateOnly.FromDateTime(date) is var d && d >= FirstDay && d <= LastDay;

    public bool Contains(DateTime utc) => utc >= FromUtc && utc < ToUtc;

    /// <summary>UTC midnights bounding the period's calendar dates (how dates such as expected close are stored).</summary>
    public DateTime FirstDateUtc => FirstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public DateTime AfterLastDateUtc => LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static ReportingPeriod Of(PeriodKind kind, DateOnly first, DateOnly last, TimeZoneInfo zone) =>
        new(kind, first, last, MidnightUtc(first, zone), MidnightUtc(last.AddDays(1), zone));

    private static DateTime MidnightUtc(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
}
