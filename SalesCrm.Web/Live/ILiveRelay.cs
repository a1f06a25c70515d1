namespace SalesCrm.Web.Live;

/// <summary>Carries this node's live events further: to the other web nodes, or to clients outside Blazor.</summary>
public interface ILiveRelay
{
    Task RelayAsync(IReadOnlyList<(string Topic, LiveEvent Event)> items, CancellationToken cancellationToken);
}
