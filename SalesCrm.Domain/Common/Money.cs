using System.Globalization;

namespace SalesCrm.Domain.Common;

/// <summary>
/// An amount of roubles held as whole kopecks. Integer arithmetic only: no rounding drift and
/// the database aggregates a plain integer column (docs/design-choices.md: decimal SUM on SQLite is ~60x slower).
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    /// <summary>Upper bound for any single amount: 100 billion roubles. Larger is a typing error.</summary>
    public const long MaxKopecks = 100_000_000_000_00;

    public Money(long kopecks)
    {
        if (kopecks is < -MaxKopecks or > MaxKopecks)
            throw new DomainException("Сумма вне допустимого диапазона (не более 100 млрд ₽).");
        Kopecks = kopecks;
    }

    public long Kopecks { get; }

    public static Money Zero => default;

    public static Money FromRubles(decimal rubles)
    {
        var kopecks = rubles * 100m;
        if (kopecks != decimal.Truncate(kopecks))
            throw new DomainException("Сумма указывается с точностью до копейки.");
        if (kopecks is < -MaxKopecks or > MaxKopecks)
            throw new DomainException("Сумма вне допустимого диапазона (не более 100 млрд ₽).");
        return new Money((long)kopecks);
    }

    public decimal Rubles => Kopecks / 100m;

    public bool IsPositive => Kopecks > 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Kopecks + b.Kopecks));

    public static Money operator -(Money a, Money b) => new(checked(a.Kopecks - b.Kopecks));

    /// <summary>Multiplies by a share given in basis points (1/100 of a percent), rounding half away from zero.</summary>
    public Money MultiplyBasisPoints(int basisPoints) =>
        new((long)Math.Round(Kopecks * (decimal)basisPoints / 10_000m, MidpointRounding.AwayFromZero));

    /// <summary>A percentage (0..100) of this amount, rounded half away from zero to a kopeck.</summary>
    public Money Percent(int percent) => MultiplyBasisPoints(percent * 100);

    public int CompareTo(Money other) => Kopecks.CompareTo(other.Kopecks);

    public static bool operator <(Money a, Money b) => a.Kopecks < b.Kopecks;

    public static bool operator >(Money a, Money b) => a.Kopecks > b.Kopecks;

    public static bool operator <=(Money a, Money b) => a.Kopecks <= b.Kopecks;

    public static bool operator >=(Money a, Money b) => a.Kopecks >= b.Kopecks;

    private static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>Russian format: <c>1 234 567 ₽</c>, kopecks shown only when there are any.</summary>
    public override string ToString() => Format(Kopecks);

    public static string Format(long kopecks)
    {
        var nf = (NumberFormatInfo)Ru.NumberFormat.Clone();
        nf.NumberGroupSeparator = "\u00A0";
        nf.NumberDecimalSeparator = ",";
        var rubles = kopecks / 100m;
        var text = kopecks % 100 == 0 ? rubles.ToString("#,0", nf) : rubles.ToString("#,0.00", nf);
        return text + "\u00A0₽";
    }
}
