namespace SalesCrm.Domain.Calendar;

/// <summary>
/// The Russian production calendar, the default of every department's holiday calendar (the administrator edits it on
/// /admin). Non-working public holidays are Labour Code art. 112: 1–8 January, 23 February, 8 March, 1 and 9 May,
/// 12 June, 4 November. Each year the government moves days off by decree; the years below carry those decrees. For a
/// year with no decree here, a holiday outside January that falls on a Saturday or Sunday moves to the next working day
/// (art. 112, part 2), and the January moves are left for the administrator to enter when the decree is published.
/// Shortened pre-holiday days are not kept: they do not change whether a minute is a working one until the last hour.
/// </summary>
public static class RussianProductionCalendar
{
    private static readonly (int Month, int Day, string Name)[] Holidays =
    [
        (1, 1, "Новогодние каникулы"), (1, 2, "Новогодние каникулы"), (1, 3, "Новогодние каникулы"), (1, 4, "Новогодние каникулы"),
        (1, 5, "Новогодние каникулы"), (1, 6, "Новогодние каникулы"), (1, 7, "Рождество Христово"), (1, 8, "Новогодние каникулы"),
        (2, 23, "День защитника Отечества"), (3, 8, "Международный женский день"), (5, 1, "Праздник Весны и Труда"),
        (5, 9, "День Победы"), (6, 12, "День России"), (11, 4, "День народного единства"),
    ];

    /// <summary>The decrees: days off moved onto weekdays, and Saturdays made working.</summary>
    private static readonly Dictionary<int, (string Decree, string[] DaysOff, string[] WorkingDays)> Decrees = new()
    {
        [2024] = ("Постановление Правительства РФ от 10.08.2023 № 1314",
            ["04-29", "04-30", "05-10", "12-30", "12-31"], ["04-27", "11-02", "12-28"]),
        [2025] = ("Постановление Правительства РФ от 04.10.2024 № 1335",
            ["05-02", "05-08", "06-13", "11-03", "12-31"], ["11-01"]),
        [2026] = ("Постановление Правительства РФ от 24.09.2025 № 1466",
            ["01-09", "03-09", "05-11", "12-31"], []),
        [2027] = ("Постановление Правительства РФ № 1187 (перенос выходных дней в 2027 году)",
            ["02-22", "05-03", "05-10", "06-14", "11-05", "12-31"], ["02-20"]),
    };

    /// <summary>Whether the year's moves are known from a decree (otherwise they follow art. 112 alone).</summary>
    public static bool HasDecree(int year) => Decrees.ContainsKey(year);

    /// <summary>The days of a year that differ from Monday–Friday: holidays and moved days off (false), working Saturdays (true).</summary>
    public static IReadOnlyList<CalendarException> Year(int year)
    {
        var days = new Dictionary<DateOnly, CalendarException>();
        foreach (var (month, day, name) in Holidays)
            days[new DateOnly(year, month, day)] = new CalendarException(new DateOnly(year, month, day), false, name);
        if (Decrees.TryGetValue(year, out var decree))
        {
            foreach (var d in decree.DaysOff)
                days.TryAdd(Parse(year, d), new CalendarException(Parse(year, d), false, "Перенесённый выходной"));
            foreach (var d in decree.WorkingDays)
                days[Parse(year, d)] = new CalendarException(Parse(year, d), true, "Рабочая суббота (перенос)");
        }
        else
        {
            foreach (var (month, day, name) in Holidays.Where(h => h.Month > 1))
            {
                var date = new DateOnly(year, month, day);
                if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) continue;
                var next = date.AddDays(1);
                while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || days.ContainsKey(next)) next = next.AddDays(1);
                days[next] = new CalendarException(next, false, $"Перенос: {name}");
            }
        }
        return days.Values.OrderBy(d => d.Date).ToList();
    }

    private static DateOnly Parse(int year, string monthDay) =>
        new(year, int.Parse(monthDay[..2], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(monthDay[3..], System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A date that is worked (a working Saturday) or not (a holiday, a moved day off) against the weekly rule.</summary>
public sealed record CalendarException(DateOnly Date, bool IsWorking, string Name);
