using SalesCrm.Domain.Common;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Shared;

/// <summary>Turns form values into domain values, with the field named in the error.</summary>
public static class Inputs
{
    public static long Kopecks(decimal? rubles, string field, string label)
    {
        if (rubles is null) throw new DomainException($"Укажите {label}.", field);
        try
        {
            return Money.FromRubles(rubles.Value).Kopecks;
        }
        catch (DomainException ex)
        {
            throw new DomainException(ex.Message, field);
        }
    }

    /// <summary>A calendar date as the domain stores it: midnight, marked UTC.</summary>
    public static DateTime Date(DateTime? date, string field, string label) =>
        date is { } d ? DateTime.SpecifyKind(d.Date, DateTimeKind.Utc) : throw new DomainException($"Укажите {label}.", field);

    /// <summary>A date and time the user entered in the department's time zone, as UTC.</summary>
    public static DateTime Moment(DateTime? date, TimeSpan? time, string field, string label) =>
        date is { } d ? Fmt.ToUtc(d.Date + (time ?? TimeSpan.Zero)) : throw new DomainException($"Укажите {label}.", field);
}

/// <summary>
/// Numbers from the address bar. The framework's own binding of <c>int?</c> query parameters fails the whole page on
/// "?team=abc"; a page takes the text instead and reads it here, so a value that is not a number is simply absent and the
/// page shows its default.
/// </summary>
public static class QueryValue
{
    public static int? Int(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
