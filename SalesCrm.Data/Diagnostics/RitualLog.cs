using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Diagnostics;

namespace SalesCrm.Data.Diagnostics;

/// <summary>
/// Records that a team used a ritual today (block 6 of the diagnostics): at most one row per team, kind and day; a second
/// mark the same day, on this node or another, changes nothing.
/// </summary>
public sealed class RitualLog(IProviderContextFactory contexts, TimeProvider time, CrmOptions options)
{
    // What this node already wrote: a dashboard re-reads on every live update, the database is asked once a day.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, RitualKind, DateTime), bool> _marked = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(RitualKind, DateTime), DateTime> _allMarked = new();

    public async Task MarkAsync(int teamId, RitualKind kind, CancellationToken ct = default)
    {
        var today = options.Today(time.GetUtcNow().UtcDateTime);
        if (!_marked.TryAdd((teamId, kind, today), true)) return;
        await using var db = contexts.Create();
        if (await db.RitualMarks.AnyAsync(r => r.TeamId == teamId && r.Kind == kind && r.Day == today, ct)) return;
        db.RitualMarks.Add(new RitualMark(teamId, kind, today));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Marked at the same moment elsewhere: the unique index kept one.
        }
    }

    /// <summary>Marks every team (the head looking at the whole department).</summary>
    public async Task MarkAllAsync(RitualKind kind, CancellationToken ct = default)
    {
        // The teams are read again a minute later at the soonest: a department dashboard re-reads on every live update.
        var now = time.GetUtcNow().UtcDateTime;
        var key = (kind, options.Today(now));
        if (_allMarked.TryGetValue(key, out var at) && now - at < TimeSpan.FromMinutes(1) && now >= at) return;
        _allMarked[key] = now;
        await using var db = contexts.Create();
        foreach (var team in await db.Teams.AsNoTracking().Select(t => t.Id).ToListAsync(ct)) await MarkAsync(team, kind, ct);
    }
}
