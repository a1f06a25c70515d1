using SalesCrm.Data.Access;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Notifications;

/// <summary>
/// Finds deals that have become stuck and raises one alert per deal per stage entry, to the owner and the
/// owner's team lead. The alert's key is (deal, the moment it entered the stage), unique per recipient in
/// the database, so restarts and several nodes never repeat an alert.
/// </summary>
public sealed class StuckAlertScanner(IProviderContextFactory contexts, TimeProvider time, CrmOptions? options = null) : IPeriodicScan
{
    public string Name => "stuck deals";

    public TimeSpan Every => TimeSpan.FromSeconds(Math.Max(5, (options ?? new CrmOptions()).Thresholds.StuckScanSeconds));

    public static string KeyFor(int dealId, DateTime stageEnteredAt) =>
        string.Create(CultureInfo.InvariantCulture, $"stuck:{dealId}:{stageEnteredAt.Ticks}");

    /// <summary>Runs one scan; returns how many alerts it created.</summary>
    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<Candidate> candidates;
        Dictionary<int, int> leadOfTeam;
        Dictionary<StageCode, string> stageNames;
        await using (var db = contexts.Create())
        {
            var stages = await db.Stages.AsNoTracking().OrderBy(s => s.Order)
                .Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync(ct);
            stageNames = stages.ToDictionary(s => s.Code, s => s.Name);
            candidates = await db.Deals.AsNoTracking().Where(DashboardQueries.StuckPredicate(stages, now))
                .Select(d => new Candidate(d.Id, d.OwnerId, d.Owner!.TeamId, d.Stage, d.StageEnteredAt, d.Client!.Name))
                .ToListAsync(ct);
            leadOfTeam = await TeamLeads.ByTeamAsync(db, ct);
        }

        var created = 0;
        foreach (var chunk in candidates.Chunk(500))
        {
            await using var db = contexts.Create();
            var keys = chunk.Select(c => KeyFor(c.DealId, c.StageEnteredAt)).ToList();
            var existing = (await db.Notifications.AsNoTracking().Where(n => keys.Contains(n.DedupKey!))
                    .Select(n => new { n.RecipientId, n.DedupKey }).ToListAsync(ct))
                .Select(n => (n.RecipientId, n.DedupKey!)).ToHashSet();
            var fresh = new List<Notification>();
            foreach (var c in chunk)
            {
                var key = KeyFor(c.DealId, c.StageEnteredAt);
                var days = PipelineFigures.DaysInStage(c.StageEnteredAt, now);
                var recipients = new HashSet<int> { c.OwnerId };
                if (c.TeamId is { } team && leadOfTeam.TryGetValue(team, out var lead)) recipients.Add(lead);
                foreach (var recipient in recipients.Where(r => !existing.Contains((r, key))))
                {
                    fresh.Add(new Notification(recipient, NotificationKind.StuckDeal,
                        $"Сделка № {c.DealId} застряла: «{stageNames[c.Stage]}» {days} дн.", c.ClientName, $"/deals/{c.DealId}", key, now));
                }
            }
            if (fresh.Count == 0) continue;
            created += await SaveIgnoringDuplicatesAsync(db, fresh, ct);
        }
        return created;
    }

    /// <summary>Another node may have raised the same alert a moment ago: the unique key refuses it, and that is fine.</summary>
    private async Task<int> SaveIgnoringDuplicatesAsync(CrmDbContext db, List<Notification> fresh, CancellationToken ct)
    {
        db.Notifications.AddRange(fresh);
        try
        {
            await db.SaveChangesAsync(ct);
            return fresh.Count;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }
        var saved = 0;
        foreach (var n in fresh)
        {
            await using var one = contexts.Create();
            var copy = new Notification(n.RecipientId, n.Kind, n.Title, n.Body, n.Link, n.DedupKey, n.CreatedAt);
            one.Notifications.Add(copy);
            try
            {
                await one.SaveChangesAsync(ct);
                saved++;
            }
            catch (DbUpdateException)
            {
                // already raised elsewhere
            }
        }
        return saved;
    }

    private sealed record Candidate(int DealId, int OwnerId, int? TeamId, StageCode Stage, DateTime StageEnteredAt, string ClientName);
}
