using SalesCrm.Domain.Diagnostics;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>Each trigger at its threshold boundary: past it is triggered, at it is a warning, comfortably inside is ok.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class DiagnosticPolicyTests
{
    [Theory]
    [InlineData(10.01, DiagnosticStatus.Triggered)]
    [InlineData(10.0, DiagnosticStatus.Warning)]
    [InlineData(8.01, DiagnosticStatus.Warning)]
    [InlineData(8.0, DiagnosticStatus.Ok)]
    [InlineData(3.0, DiagnosticStatus.Ok)]
    public void ResponseTimeOverTenMinutes(double minutes, DiagnosticStatus expected) =>
        Assert.Equal(expected, DiagnosticPolicy.Evaluate(TriggerDirection.Above, minutes, DiagnosticCatalogue.Trigger(TriggerCodes.ResponseMedian).DefaultThreshold));

    [Theory]
    [InlineData(0.59, DiagnosticStatus.Triggered)]
    [InlineData(0.6, DiagnosticStatus.Warning)]
    [InlineData(0.71, DiagnosticStatus.Warning)]
    [InlineData(0.72, DiagnosticStatus.Ok)]
    public void ContactRateUnderSixtyPercent(double share, DiagnosticStatus expected) =>
        Assert.Equal(expected, DiagnosticPolicy.Evaluate(TriggerDirection.Below, share, DiagnosticCatalogue.Trigger(TriggerCodes.ContactRate).DefaultThreshold));

    [Theory]
    [InlineData(0.1001, DiagnosticStatus.Triggered)]
    [InlineData(0.1, DiagnosticStatus.Warning)]
    [InlineData(0.05, DiagnosticStatus.Ok)]
    public void MoreThanTenPercentOfDealsWithoutANextStep(double share, DiagnosticStatus expected) =>
        Assert.Equal(expected, DiagnosticPolicy.Evaluate(TriggerDirection.Above, share, DiagnosticCatalogue.Trigger(TriggerCodes.NoNextStep).DefaultThreshold));

    [Fact]
    public void ACountAgainstZeroHasNoWarningBand()
    {
        Assert.Equal(DiagnosticStatus.Triggered, DiagnosticPolicy.Evaluate(TriggerDirection.Above, 1, 0));
        Assert.Equal(DiagnosticStatus.Ok, DiagnosticPolicy.Evaluate(TriggerDirection.Above, 0, 0));
        Assert.Equal(DiagnosticStatus.NoData, DiagnosticPolicy.Evaluate(TriggerDirection.Above, null, 0));
    }

    [Fact]
    public void ABlockStandsAsItsWorstTrigger()
    {
        Assert.Equal(DiagnosticStatus.Triggered, DiagnosticPolicy.BlockStatus([DiagnosticStatus.Ok, DiagnosticStatus.Triggered, DiagnosticStatus.Warning]));
        Assert.Equal(DiagnosticStatus.Warning, DiagnosticPolicy.BlockStatus([DiagnosticStatus.Ok, DiagnosticStatus.NoData, DiagnosticStatus.Warning]));
        Assert.Equal(DiagnosticStatus.Ok, DiagnosticPolicy.BlockStatus([DiagnosticStatus.Ok, DiagnosticStatus.NoData]));
        Assert.Equal(DiagnosticStatus.NoData, DiagnosticPolicy.BlockStatus([DiagnosticStatus.NoData]));
    }

    [Fact]
    public void EveryBlockHasTriggersAndEveryTriggerABlock()
    {
        Assert.Equal(Enumerable.Range(1, 8), DiagnosticCatalogue.Blocks.Select(b => b.Number));
        Assert.All(DiagnosticCatalogue.Blocks, b => Assert.Contains(DiagnosticCatalogue.Triggers, t => t.Block == b.Number));
        Assert.Equal(DiagnosticCatalogue.Triggers.Count, DiagnosticCatalogue.Triggers.Select(t => t.Code).Distinct().Count());
    }
}
