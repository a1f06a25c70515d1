using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

[Trait(TestKind.Key, TestKind.Domain)]
public sealed class InnChecksum
{
    [Theory]
    [InlineData("7707083893")]   // Сбербанк
    [InlineData("7728168971")]   // Альфа-Банк
    [InlineData("500100732259")] // a valid 12-digit INN of an individual entrepreneur
    public void AcceptsRealInns(string inn) => Assert.Null(Inn.Validate(inn));

    [Theory]
    [InlineData("7707083894", "контрольной цифры")]
    [InlineData("500100732258", "контрольных цифр")]
    [InlineData("770708389", "10 цифр")]
    [InlineData("77070838931", "10 цифр")]
    [InlineData("77070838ab", "только из цифр")]
    [InlineData("", "Укажите ИНН")]
    [InlineData(null, "Укажите ИНН")]
    public void RefusesWithAReadableReason(string? inn, string reason)
    {
        var error = Inn.Validate(inn);
        Assert.NotNull(error);
        Assert.Contains(reason, error);
        Assert.Throws<DomainException>(() => Inn.Parse(inn));
    }

    [Fact]
    public void CompletesPrefixesIntoValidInns()
    {
        Assert.Equal("7707083893", Inn.Complete("770708389"));
        Assert.True(Inn.IsValid(Inn.Complete("5001007322")));
        Assert.Equal(12, Inn.Complete("5001007322").Length);
    }

    [Fact]
    public void TrimsSpacesAroundTheNumber() => Assert.Equal("7707083893", Inn.Parse(" 7707083893 ").Value);
}
