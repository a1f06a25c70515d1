using SalesCrm.Domain.Integrations;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>How what several nodes saw of a connector adds up.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class ConnectorStateRules
{
    private static readonly DateTime At = new(2027, 1, 1, 0, 5, 0, DateTimeKind.Utc);

    [Fact]
    public void CountsAddUpAndTheLatestMomentAndFailureWinWhateverTheOrder()
    {
        var state = new ConnectorState(Connector.Tilda);
        state.Add(5, At.AddMinutes(3), 1, At.AddMinutes(2), "401: ключ");
        state.Add(2, At.AddMinutes(1), 1, At.AddMinutes(1), "400: старое");
        state.Add(0, null, 0, null, null);
        Assert.Equal((7L, At.AddMinutes(3), 2L, At.AddMinutes(2), "401: ключ"),
            (state.Messages, state.LastMessageAt, state.Errors, state.LastErrorAt, state.LastError));
        state.Add(0, null, 1, At.AddMinutes(9), new string('x', 600));
        Assert.Equal(500, state.LastError!.Length);
    }
}
