using SalesCrm.Domain.Teams;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>One definition of load and capacity for the distribution, /leads, the weekly pack and the diagnostics.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class WorkloadRules
{
    [Theory]
    // The seller the demo showed as «145/140» on /leads and /reports while diagnostics counted only their 130 deals.
    [InlineData(130, 15, 140, true, false)]
    [InlineData(125, 15, 140, false, false)] // exactly at capacity: full, not over
    [InlineData(120, 19, 140, false, true)]
    [InlineData(0, 0, 0, false, false)]
    public void LoadIsOpenDealsAndLeadsAgainstCapacity(int deals, int leads, int capacity, bool over, bool room)
    {
        var load = Workload.Load(deals, leads);
        Assert.Equal(deals + leads, load);
        Assert.Equal(over, Workload.IsOverCapacity(load, capacity));
        Assert.Equal(room, Workload.HasRoom(load, capacity));
    }
}
