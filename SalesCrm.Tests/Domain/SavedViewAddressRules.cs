using SalesCrm.Domain.Common;
using SalesCrm.Domain.Views;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>What a saved view keeps of a list's address: the list's own parameters in a fixed order, nothing hidden, nothing huge.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class SavedViewAddressRules
{
    [Fact]
    public void OnlyTheListsOwnParametersAreKeptInAFixedOrder()
    {
        Assert.Equal("view=mine&q=%D0%B0%20%D0%B1&status=New", SavedViewAddress.Normalize(SavedList.Leads, "?status=New&id=7&q=%D0%B0+%D0%B1&view=mine&month=2026-12"));
        Assert.Equal("risk=High&sort=Region", SavedViewAddress.Normalize(SavedList.Clients, "stage=Won&risk=High&sort=Region&owner="));
        Assert.Equal("", SavedViewAddress.Normalize(SavedList.Deals, null));
    }

    [Fact]
    public void AHiddenCharacterOrAnOverlongFilterIsRefused()
    {
        Assert.Throws<DomainException>(() => SavedViewAddress.Normalize(SavedList.Deals, "q=%E2%80%AEabc"));
        Assert.Throws<DomainException>(() => SavedViewAddress.Normalize(SavedList.Deals, "q=" + new string('a', SavedViewAddress.ValueMaxLength + 1)));
    }

    [Fact]
    public void TheKeyColumnCannotBeHidden()
    {
        var view = new SavedView(1, SavedList.Clients, "Все", "", ["name", "INN", "risk", "risk"], new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal("inn,risk", view.HiddenColumns);
        Assert.Equal("hide=inn%2Crisk", view.Address);
    }
}
