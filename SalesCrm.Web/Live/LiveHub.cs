using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Web.Live;

/// <summary>
/// The live events for clients outside Blazor (integrations, wall displays in other tech): a signed-in user
/// or a board token connects and receives the events of what they may see. Blazor components never
/// connect here; they subscribe to <see cref="LiveNotifier"/> in-process.
/// </summary>
[Authorize(Policy = Policy)]
public sealed class LiveHub(IProviderContextFactory contexts) : Hub
{
    public const string Path = "/hubs/live";
    public const string Policy = "LiveHub";
    public const string EventMethod = "event";

    public static string AllGroup => "all";

    public static string TeamGroup(int teamId) => $"team:{teamId}";

    public static string OwnerGroup(int managerId) => $"owner:{managerId}";

    public static string UserGroup(int managerId) => $"user:{managerId}";

    public override async Task OnConnectedAsync()
    {
        foreach (var group in await GroupsOfAsync(Context.User!)) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }

    private async Task<IReadOnlyList<string>> GroupsOfAsync(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(BoardTokenAuthentication.TeamClaim) is { } boardTeam)
            return [boardTeam == BoardTokenAuthentication.AllTeams ? AllGroup : TeamGroup(int.Parse(boardTeam, System.Globalization.CultureInfo.InvariantCulture))];
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = contexts.Create();
        var me = await db.Managers.AsNoTracking().Where(m => m.UserId == userId && m.IsActive)
            .Select(m => new { m.Id, m.Role, m.TeamId }).SingleOrDefaultAsync(Context.ConnectionAborted);
        if (me is null) return [];
        return me.Role switch
        {
            StaffRole.Head or StaffRole.Admin => [AllGroup, UserGroup(me.Id)],
            StaffRole.TeamLead when me.TeamId is { } team => [TeamGroup(team), UserGroup(me.Id)],
            _ => [OwnerGroup(me.Id), UserGroup(me.Id)],
        };
    }
}

/// <summary>Sends this node's live events to the hub's groups (the Redis backplane carries them to other nodes' clients).</summary>
public sealed class HubLiveRelay(IHubContext<LiveHub> hub, TeamDirectory teams) : ILiveRelay
{
    public async Task RelayAsync(IReadOnlyList<(string Topic, LiveEvent Event)> items, CancellationToken cancellationToken)
    {
        foreach (var live in items.Select(i => i.Event).Distinct())
        {
            var groups = new List<string>();
            if (live.RecipientId is { } recipient) groups.Add(LiveHub.UserGroup(recipient));
            if (live.OwnerId is { } owner && live.RecipientId is null)
            {
                groups.Add(LiveHub.AllGroup);
                groups.Add(LiveHub.OwnerGroup(owner));
                if (await teams.TeamOfAsync(owner, cancellationToken) is { } team) groups.Add(LiveHub.TeamGroup(team));
            }
            else if (live.ApprovalId is not null || live.LeadId is not null)
            {
                groups.Add(LiveHub.AllGroup);
            }
            if (groups.Count > 0) await hub.Clients.Groups(groups).SendAsync(LiveHub.EventMethod, live, cancellationToken);
        }
    }
}

/// <summary>Which team each manager is in, cached for a minute (teams change rarely; events are frequent).</summary>
public sealed class TeamDirectory(IProviderContextFactory contexts, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<int, int?> _teams = [];
    private DateTime _loadedAt = DateTime.MinValue;

    public async Task<int?> TeamOfAsync(int managerId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - _loadedAt > TimeSpan.FromMinutes(1) || !_teams.ContainsKey(managerId))
        {
            await _gate.WaitAsync(ct);
            try
            {
                if (now - _loadedAt > TimeSpan.FromMinutes(1) || !_teams.ContainsKey(managerId))
                {
                    await using var db = contexts.Create();
                    _teams = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.TeamId, ct);
                    _loadedAt = now;
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        return _teams.GetValueOrDefault(managerId);
    }
}
