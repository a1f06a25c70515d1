using System.Globalization;
using System.Text;

namespace SalesCrm.Domain.Tasks;

/// <summary>One meeting as a calendar event: its stable id (so a second download updates the event instead of doubling it).</summary>
public sealed record CalendarEvent(string Uid, DateTime StartsAtUtc, DateTime EndsAtUtc, string Summary, string? Location, string? Description,
    string? Url, DateTime StampUtc, bool Cancelled = false);

/// <summary>
/// Writes meetings as an iCalendar file (RFC 5545) that Outlook, Yandex Calendar and Google Calendar open: CRLF line ends,
/// lines folded at 75 octets without splitting a UTF-8 character, text escaped, times in UTC (the «Z» form needs no time
/// zone block).
/// </summary>
public static class ICalendarFile
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Write(IEnumerable<CalendarEvent> events, string calendarName)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//SalesCrm//SalesCrm//RU",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + Escape(calendarName),
        };
        foreach (var e in events)
        {
            lines.Add("BEGIN:VEVENT");
            lines.Add("UID:" + Escape(e.Uid));
            lines.Add("DTSTAMP:" + Utc(e.StampUtc));
            lines.Add("DTSTART:" + Utc(e.StartsAtUtc));
            lines.Add("DTEND:" + Utc(e.EndsAtUtc > e.StartsAtUtc ? e.EndsAtUtc : e.StartsAtUtc.AddMinutes(30)));
            lines.Add("SUMMARY:" + Escape(e.Summary));
            if (!string.IsNullOrWhiteSpace(e.Location)) lines.Add("LOCATION:" + Escape(e.Location));
            if (!string.IsNullOrWhiteSpace(e.Description)) lines.Add("DESCRIPTION:" + Escape(e.Description));
            if (!string.IsNullOrWhiteSpace(e.Url)) lines.Add("URL:" + e.Url);
            lines.Add("STATUS:" + (e.Cancelled ? "CANCELLED" : "CONFIRMED"));
            lines.Add("END:VEVENT");
        }
        lines.Add("END:VCALENDAR");
        var text = new StringBuilder();
        foreach (var line in lines) Fold(text, line);
        return text.ToString();
    }

    private static string Utc(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 5545 §3.3.11: a backslash, semicolon and comma are escaped, a line break becomes «\n».</summary>
    public static string Escape(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
            switch (c)
            {
                case '\\': b.Append(@"\\"); break;
                case ';': b.Append(@"\;"); break;
                case ',': b.Append(@"\,"); break;
                case '\n': b.Append(@"\n"); break;
                default:
                    if (!char.IsControl(c)) b.Append(c);
                    break;
            }
        return b.ToString();
    }

    /// <summary>RFC 5545 §3.1: a line longer than 75 octets continues on the next line after a space.</summary>
    private static void Fold(StringBuilder to, string line)
    {
        var octets = 0;
        var limit = 75;
        for (var i = 0; i < line.Length; i++)
        {
            var length = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, length));
            if (octets + size > limit)
            {
                to.Append("\r\n ");
                octets = 0;
                limit = 74; // the leading space counts
            }
            to.Append(line, i, length);
            octets += size;
            i += length - 1;
        }
        to.Append("\r\n");
    }
}
