using System.Globalization;

namespace SalesCrm.Web.Services;

/// <summary>How the UI writes money, dates and times: in the user's culture and the department's time zone.</summary>
public static class Fmt
{
    /// <summary>Set once at startup from <see cref="SalesCrm.Data.Common.CrmOptions.TimeZone"/>.</summary>
    public static TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary><c>1 234 567 ₽</c> in Russian, <c>1,234,567 ₽</c> in English; kopecks only when there are any.</summary>
    public static string Money(long kopecks)
    {
        var culture = CultureInfo.CurrentCulture;
        var nf = (NumberFormatInfo)culture.NumberFormat.Clone();
        if (culture.TwoLetterISOLanguageName == "ru") nf.NumberGroupSeparator = "\u00A0";
        var rubles = kopecks / 100m;
        return (kopecks % 100 == 0 ? rubles.ToString("#,0", nf) : rubles.ToString("#,0.00", nf)) + "\u00A0₽";
    }

    /// <summary>An aggregate (sum, forecast) rounded to whole roubles: <c>102 958 674 ₽</c>.</summary>
    public static string MoneyRounded(long kopecks) => Money((long)Math.Round(kopecks / 100m, MidpointRounding.AwayFromZero) * 100);

    /// <summary>Rubles with a thousands separator, without the currency sign (inputs).</summary>
    public static decimal Rubles(long kopecks) => kopecks / 100m;

    public static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    public static DateTime ToUtc(DateTime local) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZone);

    /// <summary>A calendar date (stored as UTC midnight) in the user's format: 23.11.2026.</summary>
    public static string Date(DateTime date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateTime? date) => date is { } d ? Date(d) : "—";

    /// <summary>The local calendar day of a moment (a UTC timestamp): 23.11.2026.</summary>
    public static string Day(DateTime utc) => Local(utc).ToString("d", CultureInfo.CurrentCulture);

    public static string Day(DateTime? utc) => utc is { } d ? Day(d) : "—";

    /// <summary>"Петров И. А." from "Петров Иван Алексеевич".</summary>
    public static string ShortName(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length < 2 ? fullName : parts[0] + " " + string.Join(" ", parts.Skip(1).Select(p => p[0] + "."));
    }

    /// <summary>A moment, in the department's time zone: 23.11.2026 14:05.</summary>
    public static string When(DateTime utc) => Local(utc).ToString("g", CultureInfo.CurrentCulture);

    public static string When(DateTime? utc) => utc is { } d ? When(d) : "—";

    public static string Percent(int percent) => percent.ToString(CultureInfo.CurrentCulture) + "\u00A0%";
}
