using System.Globalization;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class MoneyArithmetic
{
    [Fact]
    public void AddsAndSubtractsExactlyInKopecks()
    {
        var a = Money.FromRubles(0.10m);
        var b = Money.FromRubles(0.20m);
        Assert.Equal(30, (a + b).Kopecks);
        Assert.Equal(Money.FromRubles(0.30m), a + b);
        Assert.Equal(-10, (a - b).Kopecks);
    }

    [Theory]
    [InlineData(1_000_000_00L, 15, 150_000_00L)]
    [InlineData(333L, 50, 167L)]   // 1.665 ₽ → 1.67 ₽: half away from zero
    [InlineData(1L, 50, 1L)]
    public void TakesPercentagesRoundingHalfAwayFromZero(long kopecks, int percent, long expected) =>
        Assert.Equal(expected, new Money(kopecks).Percent(percent).Kopecks);

    [Fact]
    public void RefusesFractionsOfAKopeck() =>
        Assert.Contains("копейки", Assert.Throws<DomainException>(() => Money.FromRubles(10.005m)).Message);

    [Fact]
    public void RefusesAbsurdAmounts()
    {
        Assert.Throws<DomainException>(() => Money.FromRubles(1_000_000_000_000m));
        Assert.Throws<DomainException>(() => new Money(long.MaxValue));
    }

    [Fact]
    public void OverflowIsAnErrorNotAWraparound() =>
        Assert.ThrowsAny<Exception>(() => new Money(Money.MaxKopecks) + new Money(Money.MaxKopecks));

    [Fact]
    public void FormatsInRussian()
    {
        Assert.Equal("1\u00A0234\u00A0567\u00A0₽", Money.FromRubles(1_234_567m).ToString());
        Assert.Equal("10,50\u00A0₽", Money.FromRubles(10.5m).ToString());
        Assert.Equal(Money.FromRubles(5m).ToString(), Money.Format(500));
        _ = CultureInfo.InvariantCulture;
    }
}
