using SalesCrm.Domain.Activities;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>What the screen-pop shows as a PBX reports a call's legs, repeated and out of order as PBXs deliver them.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class CallPopRules
{
    private static readonly DateTime At = new(2026, 3, 31, 20, 59, 0, DateTimeKind.Utc);

    [Fact]
    public void ARingingCallIsShownOnceHoweverOftenTheEventIsRepeated()
    {
        var pops = new CallPops();
        Assert.True(pops.Apply("mango:1", "74951234567", CallLegState.Ringing, At));
        Assert.False(pops.Apply("mango:1", "74951234567", CallLegState.Ringing, At.AddSeconds(1)));
        var call = Assert.Single(pops.Calls);
        Assert.Equal(CallLegState.Ringing, call.State);
        Assert.Equal("74951234567", call.Number);
    }

    [Fact]
    public void ACallOnlyMovesForwardWhateverTheOrderOfDelivery()
    {
        var pops = new CallPops();
        pops.Apply("z:1", "79990000001", CallLegState.Ringing, At);
        Assert.True(pops.Apply("z:1", "79990000001", CallLegState.Talking, At.AddSeconds(5)));
        // The ring, delivered late, does not take the call back.
        Assert.False(pops.Apply("z:1", "79990000001", CallLegState.Ringing, At.AddSeconds(6)));
        Assert.Equal(CallLegState.Talking, Assert.Single(pops.Calls).State);
        // Answered here: the end keeps it shown, marked ended, until closed.
        Assert.True(pops.Apply("z:1", "79990000001", CallLegState.Ended, At.AddSeconds(60)));
        Assert.Equal(CallLegState.Ended, Assert.Single(pops.Calls).State);
        Assert.True(pops.Close("z:1"));
        Assert.Empty(pops.Calls);
        // Closed: nothing the PBX says of it later brings it back.
        Assert.False(pops.Apply("z:1", "79990000001", CallLegState.Talking, At.AddSeconds(61)));
        Assert.Empty(pops.Calls);
    }

    [Fact]
    public void AnEndDeliveredBeforeTheRingMeansTheCallIsNeverShown()
    {
        var pops = new CallPops();
        Assert.False(pops.Apply("m:2", "79990000002", CallLegState.Ended, At));
        Assert.False(pops.Apply("m:2", "79990000002", CallLegState.Ringing, At.AddSeconds(1)));
        Assert.Empty(pops.Calls);
    }

    [Fact]
    public void ACallThatRangAndEndedWithoutAnAnswerHereGoesAway()
    {
        var pops = new CallPops();
        pops.Apply("m:3", "79990000003", CallLegState.Ringing, At);
        Assert.True(pops.Apply("m:3", "79990000003", CallLegState.Ended, At.AddSeconds(20)));
        Assert.Empty(pops.Calls);
    }

    [Fact]
    public void ACallAnsweredFirstIsShownAsTalking()
    {
        var pops = new CallPops();
        Assert.True(pops.Apply("m:4", "79990000004", CallLegState.Talking, At));
        Assert.Equal(CallLegState.Talking, Assert.Single(pops.Calls).State);
    }

    [Fact]
    public void ARingWithNoNewsGoesAwayAtTheLimitButATalkStays()
    {
        var pops = new CallPops();
        pops.Apply("m:5", "79990000005", CallLegState.Ringing, At);
        pops.Apply("m:6", "79990000006", CallLegState.Talking, At);
        Assert.False(pops.Expire(At + CallPops.RingingLimit - TimeSpan.FromSeconds(1)));
        Assert.Equal(2, pops.Calls.Count);
        Assert.True(pops.Expire(At + CallPops.RingingLimit));
        Assert.Equal("m:6", Assert.Single(pops.Calls).CallId);
        // The expired ring does not come back with a late repeat.
        Assert.False(pops.Apply("m:5", "79990000005", CallLegState.Ringing, At + CallPops.RingingLimit));
    }

    [Fact]
    public void AtMostThreeCallsAreShownTheNewestFirst()
    {
        var pops = new CallPops();
        for (var i = 1; i <= CallPops.Shown + 2; i++) pops.Apply($"c:{i}", null, CallLegState.Ringing, At.AddSeconds(i));
        Assert.Equal(["c:5", "c:4", "c:3"], pops.Calls.Select(c => c.CallId));
    }
}
