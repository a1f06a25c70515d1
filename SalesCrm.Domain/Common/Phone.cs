namespace SalesCrm.Domain.Common;

/// <summary>Phone numbers reduced to one comparable form: Russian numbers become 11 digits starting with 7.</summary>
public static class Phone
{
    /// <summary>Digits only; a leading 8 or a bare 10-digit number becomes +7. Null for nothing usable.</summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var digits = new string(raw.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 10) digits = "7" + digits;
        else if (digits.Length == 11 && digits[0] == '8') digits = "7" + digits[1..];
        return digits.Length is >= 10 and <= 15 ? digits : null;
    }

    public static string? Validate(string? raw) =>
        string.IsNullOrWhiteSpace(raw) || Normalize(raw) is not null ? null : "Телефон указан неверно.";
}

/// <summary>E-mail address checks and the comparable form.</summary>
public static class Email
{
    public static string? Normalize(string? raw) =>
        string.IsNullOrWhiteSpace(raw) ? null : raw.Trim().ToLowerInvariant();

    public static string? Validate(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var value = raw.Trim();
        var at = value.IndexOf('@');
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.')
               && !value.Any(char.IsWhiteSpace)
            ? null
            : "E-mail указан неверно.";
    }
}
