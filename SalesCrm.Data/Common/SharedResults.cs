using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Common;

/// <summary>
/// What a shared result depends on: the deals of these owners (null: every deal), or only the settings (a team's members).
/// A change there makes the result stale.
/// </summary>
/// <param name="Owners">Whose deals the result counts; null: everyone's.</param>
/// <param name="SettingsOnly">Only a change of the settings makes it stale (deal changes do not).</param>
/// <param name="MaxAge">How old the result may get at most (by default a minute: figures that move with the clock alone).</param>
/// <param name="Also">Further live topics whose changes make it stale ("leads", "approvals").</param>
/// <param name="Follow">
/// How the result follows a change of its scope instead of being read again (decision 0017): given the change, a step from the
/// result before it to the result after it, or null when the result must be read again. The step is taken only for a result
/// read completely before the change began to be saved on this node; any other change drops it.
/// </param>
public sealed record SharedScope(IReadOnlyList<int>? Owners, bool SettingsOnly = false, TimeSpan? MaxAge = null, IReadOnlyList<string>? Also = null,
    Func<SharedChange, FollowStep?>? Follow = null)
{
    public static readonly SharedScope Settings = new(null, SettingsOnly: true);
}

/// <summary>A committed change as a shared result sees it: the domain event's name, its deal, and for a stage move the move.</summary>
public sealed record SharedChange(string Kind, int? DealId, DealMove? Move);

/// <summary>From the result before a change to the result after it (<see cref="SharedScope.Follow"/>).</summary>
public delegate Task<object> FollowStep(object before, CancellationToken ct);

/// <summary>
/// One computation per scope shared by all its viewers: the first caller computes, the others of the same moment await the
/// same task, later ones get the result until a change of its scope arrives (the web app invalidates on its live events).
/// Callers check access before they ask; the key says everything the result depends on (scope, period, filters).
/// </summary>
public interface ISharedResults
{
    Task<T> GetAsync<T>(string key, SharedScope scope, Func<CancellationToken, Task<T>> compute, CancellationToken ct = default);

    /// <summary>Drops a result: the next caller computes it again (a page opened or acted on wants it as of now).</summary>
    void Forget(string key);
}

/// <summary>No sharing: every call computes (tools and tests that run the services without the live layer).</summary>
public sealed class UnsharedResults : ISharedResults
{
    public Task<T> GetAsync<T>(string key, SharedScope scope, Func<CancellationToken, Task<T>> compute, CancellationToken ct = default) => compute(ct);

    public void Forget(string key)
    {
    }
}
