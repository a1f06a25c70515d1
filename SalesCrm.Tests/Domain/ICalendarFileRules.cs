using System.Text;
using SalesCrm.Domain.Tasks;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>
/// The .ics a meeting leaves as: what Outlook and Yandex Calendar need (RFC 5545) — CRLF lines of at most 75 octets, folded
/// without splitting a Cyrillic letter, text escaped, times in UTC.
/// </summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ICalendarFileRules
{
    private static readonly DateTime Start = new(2027, 3, 15, 7, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void AMeetingIsAnEventInUtcWithItsTextEscaped()
    {
        var text = ICalendarFile.Write([new CalendarEvent("task-42@salescrm", Start, Start.AddMinutes(90), "Встреча; КАСКО, ДМС — ООО \"Ромашка\"",
            "Москва, ул. Тверская, 1", "Строка 1\nСтрока 2 \\ конец", "https://crm.example/deals/42", Start.AddDays(-1))], "SalesCrm");

        Assert.StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", text);
        Assert.EndsWith("END:VCALENDAR\r\n", text);
        var unfolded = text.Replace("\r\n ", "");
        Assert.Contains("UID:task-42@salescrm\r\n", unfolded);
        Assert.Contains("DTSTART:20270315T073000Z\r\n", unfolded);
        Assert.Contains("DTEND:20270315T090000Z\r\n", unfolded);
        Assert.Contains("SUMMARY:Встреча\\; КАСКО\\, ДМС — ООО \"Ромашка\"\r\n", unfolded);
        Assert.Contains("LOCATION:Москва\\, ул. Тверская\\, 1\r\n", unfolded);
        Assert.Contains("DESCRIPTION:Строка 1\\nСтрока 2 \\\\ конец\r\n", unfolded);
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
    }

    [Fact]
    public void LongLinesAreFoldedAtSeventyFiveOctetsWithoutSplittingALetter()
    {
        var summary = string.Concat(Enumerable.Repeat("Согласование условий страхования имущества ", 6));
        var text = ICalendarFile.Write([new CalendarEvent("u1", Start, Start.AddHours(1), summary, null, null, null, Start)], "SalesCrm");
        var lines = text.Split("\r\n")[..^1];
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 75, l));
        Assert.All(lines, l => Assert.DoesNotContain('\uFFFD', l));
        Assert.Contains("SUMMARY:" + summary + "\r\n", text.Replace("\r\n ", ""));
    }

    [Fact]
    public void AMeetingWithoutLengthLastsHalfAnHourAndControlCharactersAreDropped()
    {
        var text = ICalendarFile.Write([new CalendarEvent("u2", Start, Start, "Звонок\u0007", null, null, null, Start)], "SalesCrm");
        Assert.Contains("DTEND:20270315T080000Z", text);
        Assert.Contains("SUMMARY:Звонок\r\n", text);
    }
}
