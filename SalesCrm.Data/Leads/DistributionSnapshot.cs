using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Leads;

/// <summary>
/// The distribution engine's view of the sellers: profile, load (open deals + open leads), absence today and
/// when each last received a lead. Read from the database at most every two seconds and kept current in
/// between as this process assigns, so a burst of leads spreads by load and round robin without a query each.
/// </summary>
public sealed class DistributionSnapshot(IProviderContextFactory contexts, TimeProvider time, CrmOptions options)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private Dictionary<int, DistributionCandidate> _candidates = [];
    private Dictionary<int, bool> _autoAssign = [];
    private DateTime _loadedAt = DateTime.MinValue;

    public LeadDistribution Engine { get; } = new(options.DistributionRules);

    /// <summary>Chooses a manager for the work and counts it against their load at once.</summary>
    public async Task<(DistributionDecision? Decision, bool AutoAssign)> DecideAsync(WorkProfile work, Func<DistributionCandidate, bool>? eligible,
        CancellationToken ct)
    {
        await RefreshAsync(ct);
        lock (_lock)
        {
            var pool = _candidates.Values.Where(c => eligible?.Invoke(c) ?? true);
            var decision = Engine.Choose(work, pool);
            if (decision is null) return (null, false);
            var chosen = decision.Manager;
            _candidates[chosen.ManagerId] = chosen with { Load = chosen.Load + 1, LastAssignedAt = time.GetUtcNow().UtcDateTime };
            return (decision, chosen.TeamId is { } team && _autoAssign.GetValueOrDefault(team, true));
        }
    }

    /// <summary>What the engine would choose now, without counting it against anybody's load (a suggestion in the UI).</summary>
    public async Task<DistributionDecision?> PreviewAsync(WorkProfile work, Func<DistributionCandidate, bool>? eligible, CancellationToken ct)
    {
        await RefreshAsync(ct);
        lock (_lock) return Engine.Choose(work, _candidates.Values.Where(c => eligible?.Invoke(c) ?? true));
    }

    /// <summary>The team a region belongs to (the team of a manager who covers it), for the queue when nobody is free.</summary>
    public async Task<int?> TeamForRegionAsync(string? region, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(region)) return null;
        await RefreshAsync(ct);
        lock (_lock)
            return _candidates.Values.FirstOrDefault(c => c.Territories.Any(t => string.Equals(t, region.Trim(), StringComparison.OrdinalIgnoreCase)))?.TeamId;
    }

    /// <summary>Forget the cache (a profile, absence or team setting changed).</summary>
    public void Invalidate() => _loadedAt = DateTime.MinValue;

    private async Task RefreshAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - _loadedAt < MaxAge) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (now - _loadedAt < MaxAge) return;
            await using var db = contexts.Create();
            var today = options.Today(now);
            var sellers = await db.Managers.AsNoTracking().Include(m => m.Absences)
                .Where(m => m.IsActive && m.Role == StaffRole.Manager).ToListAsync(ct);
            var deals = await db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
                .GroupBy(d => d.OwnerId).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
            var leads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))
                .GroupBy(l => l.AssigneeId!.Value).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
            var last = await db.Assignments.AsNoTracking().Where(a => a.LeadId != null)
                .GroupBy(a => a.ToManagerId).Select(g => new { Owner = g.Key, At = g.Max(a => a.At) }).ToDictionaryAsync(x => x.Owner, x => x.At, ct);
            var auto = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.AutoAssignLeads, ct);
            var fresh = sellers.ToDictionary(m => m.Id, m => new DistributionCandidate(m.Id, m.FullName, m.TeamId, m.Territories, m.Industries,
                m.ProductSpecializations, m.Experience, m.Capacity, Workload.Load(deals.GetValueOrDefault(m.Id), leads.GetValueOrDefault(m.Id)),
                m.IsAbsentOn(today), last.TryGetValue(m.Id, out var at) ? at : null));
            lock (_lock)
            {
                _candidates = fresh;
                _autoAssign = auto;
                _loadedAt = now;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
