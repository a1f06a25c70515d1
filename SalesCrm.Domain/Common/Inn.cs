namespace SalesCrm.Domain.Common;

/// <summary>
/// Russian taxpayer number (ИНН): 10 digits for a company, 12 for an individual entrepreneur,
/// with the check digits of the Federal Tax Service algorithm.
/// </summary>
public readonly record struct Inn
{
    private static readonly int[] W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

    private Inn(string value) => Value = value;

    public string Value { get; }

    public bool IsCompany => Value.Length == 10;

    public override string ToString() => Value;

    /// <summary>Parses and validates; throws a <see cref="DomainException"/> with a readable message.</summary>
    public static Inn Parse(string? raw, string field = "Inn")
    {
        var error = Validate(raw);
        if (error is not null) throw new DomainException(error, field);
        return new Inn(raw!.Trim());
    }

    public static bool IsValid(string? raw) => Validate(raw) is null;

    /// <summary>The reason a value is not a valid INN, or null when it is.</summary>
    public static string? Validate(string? raw)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value)) return "Укажите ИНН.";
        if (!value.All(char.IsAsciiDigit)) return "ИНН состоит только из цифр.";
        if (value.Length is not (10 or 12))
            return "ИНН должен содержать 10 цифр (организация) или 12 цифр (ИП).";
        if (value.Length == 10)
            return CheckDigit(value, W10) == value[9] - '0' ? null : "ИНН не прошёл проверку контрольной цифры.";
        return CheckDigit(value, W11) == value[10] - '0' && CheckDigit(value, W12) == value[11] - '0'
            ? null
            : "ИНН не прошёл проверку контрольных цифр.";
    }

    /// <summary>Completes a 9-digit (company) or 10-digit (entrepreneur) prefix with its check digits.</summary>
    public static string Complete(string prefix)
    {
        if (!prefix.All(char.IsAsciiDigit) || prefix.Length is not (9 or 10))
            throw new ArgumentException("Prefix must be 9 or 10 digits.", nameof(prefix));
        if (prefix.Length == 9) return prefix + (char)('0' + CheckDigit(prefix, W10));
        var eleven = prefix + (char)('0' + CheckDigit(prefix, W11));
        return eleven + (char)('0' + CheckDigit(eleven, W12));
    }

    private static int CheckDigit(string digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++) sum += (digits[i] - '0') * weights[i];
        return sum % 11 % 10;
    }
}
