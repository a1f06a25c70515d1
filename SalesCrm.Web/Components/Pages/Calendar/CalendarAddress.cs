using System.Globalization;
using SalesCrm.Data.Tasks;

namespace SalesCrm.Web.Components.Pages.Calendar;

/// <summary>
/// The address of /calendar and of its iCalendar download: the day (yyyy-MM-dd), day or week, and whose (a person or a team),
/// read and written in one place. A week starts on Monday.
/// </summary>
public static class CalendarAddress
{
    public static bool IsWeek(string? view) => view != "day";

    public static DateOnly Day(string? raw, DateOnly today) =>
        DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : today;

    public static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static AgendaQuery Read(Func<string, string?> get, DateOnly today)
    {
        var day = Day(get("date"), today);
        var week = IsWeek(get("view"));
        return new AgendaQuery(week ? Monday(day) : day, week ? 7 : 1, Shared.QueryValue.Int(get("assignee")), Shared.QueryValue.Int(get("team")));
    }

    public static string Of(DateOnly day, bool week, int? assignee, int? team) =>
        $"?date={day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&view={(week ? "week" : "day")}" +
        (assignee is { } a ? $"&assignee={a}" : "") + (team is { } t ? $"&team={t}" : "");
}
