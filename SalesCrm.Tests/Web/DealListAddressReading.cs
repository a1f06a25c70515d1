using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Shared;

namespace SalesCrm.Tests.Web;

/// <summary>The deal list's address, as the page and its export both read it: what does not parse is absent.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class DealListAddressReading
{
    private static DealListQuery Read(params (string Key, string Value)[] values) =>
        DealListAddress.Read(key => values.FirstOrDefault(v => v.Key == key).Value);

    [Fact]
    public void AWellFormedAddressGivesItsFilters()
    {
        var query = Read(("q", "Ромашка"), ("stage", "Negotiation"), ("owner", "7"), ("product", "3"), ("open", "1"), ("nostep", "1"), ("sort", "Premium"), ("desc", "0"));
        Assert.Equal(("Ромашка", StageCode.Negotiation, 7, 3, true, true, DealSort.Premium, false),
            (query.Text, query.Stage, query.OwnerId, query.ProductId, query.OpenOnly, query.WithoutNextStep, query.Sort, query.Descending));
    }

    [Fact]
    public void WhatDoesNotParseIsAbsent()
    {
        var query = Read(("q", ""), ("stage", "42"), ("owner", "abc"), ("product", "-1"), ("open", "yes"), ("sort", "999"));
        Assert.Equal((null, null, null, null, false, DealSort.Id, true),
            ((string?)query.Text, query.Stage, query.OwnerId, query.ProductId, query.OpenOnly, query.Sort, query.Descending));
    }
}
