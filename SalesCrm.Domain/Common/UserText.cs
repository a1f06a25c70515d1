using System.Globalization;

namespace SalesCrm.Domain.Common;

/// <summary>
/// A text for the user, written in Russian (the source language) as a composite format with its arguments —
/// <c>new UserText("Поле «{0}» длиннее {1} символов.", label, max)</c> — so the UI can look the format up in the translations
/// and put the arguments in afterwards. Interpolating the values into the text instead would make a different string for
/// every value, and no translation could match it. A plain literal converts implicitly.
/// </summary>
public sealed record UserText(string Format, params object?[] Arguments)
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static implicit operator UserText(string text) => new(text);

    /// <summary>The text in Russian, the arguments formatted for Russian readers (what logs and Russian users see).</summary>
    public override string ToString() => Arguments.Length == 0 ? Format : string.Format(Russian, Format, Arguments);

    public bool Equals(UserText? other) => other is not null && Format == other.Format && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => Format.GetHashCode(StringComparison.Ordinal);
}
