namespace SalesCrm.Domain.Common;

/// <summary>
/// A rule of the domain refused an operation. The message is written for the user (Russian);
/// <see cref="Field"/> names the input it concerns, when there is one; <see cref="Text"/> is the message with its arguments
/// apart, for the UI to translate.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(UserText message, string? field = null) : base(message.ToString()) => (Text, Field) = (message, field);

    public DomainException() : this("Операция отклонена правилами системы.") { }

    public DomainException(string message, Exception inner) : base(message, inner) => Text = message;

    public string? Field { get; }

    public UserText Text { get; }
}

/// <summary>Small guard helpers shared by the entities.</summary>
public static class Guard
{
    public static string Required(string? value, string field, string label, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            throw new DomainException(new UserText("Заполните поле «{0}».", label), field);
        return MaxLength(trimmed, field, label, maxLength)!;
    }

    public static string? Optional(string? value, string field, string label, int maxLength)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : MaxLength(trimmed, field, label, maxLength);
    }

    /// <summary>
    /// Text the app composes around what a user typed (a notification's title, a preview): cut to fit with "…" rather than
    /// refused, since the user's own input was already checked against its own limit.
    /// </summary>
    public static string? Fit(string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        return trimmed.Length <= maxLength ? trimmed : trimmed[..(maxLength - 1)].TrimEnd() + "…";
    }

    private static string? MaxLength(string? value, string field, string label, int maxLength)
    {
        if (value is not null && value.Length > maxLength) throw new DomainException(new UserText("Поле «{0}» длиннее {1} символов.", label, maxLength), field);
        if (value is not null && value.Any(Hidden))
            throw new DomainException(new UserText("В поле «{0}» есть невидимые или управляющие символы — удалите их (часто они приходят при копировании).", label), field);
        return value;
    }

    /// <summary>
    /// Characters a person cannot see and a database or a screen may treat otherwise: control characters (NUL, escape…; line
    /// breaks and tabs are text), bidirectional overrides and isolates that reorder what is shown, zero-width characters.
    /// </summary>
    public static bool Hidden(char c) =>
        (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'
        || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF';

    public static DateTime Utc(DateTime value, string field) =>
        value.Kind == DateTimeKind.Local
            ? throw new DomainException("Время должно быть в UTC.", field)
            : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
