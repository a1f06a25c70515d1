using SalesCrm.Data.Access;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Leads;

/// <summary>
/// Speed to lead: a lead nobody has contacted yet alerts its assignee after N working minutes and the team lead
/// after M (Crm:Thresholds), counted by the team's working calendar (holidays excluded). Only while someone works; each alert once per lead (unique key per recipient).
/// </summary>
public sealed class SpeedToLeadScanner(IProviderContextFactory contexts, TimeProvider time, CrmOptions options,
    Calendar.WorkingCalendarSource calendars) : IPeriodicScan
{
    public string Name => "speed to lead";

    public TimeSpan Every => TimeSpan.FromSeconds(Math.Max(5, options.Thresholds.SpeedScanSeconds));

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var calendar = await calendars.CurrentAsync(ct);
        if (!calendar.AnyoneOpen(now)) return 0;
        await using var db = contexts.Create();
        var since = now.AddDays(-7);
        var waiting = await db.Leads.AsNoTracking()
            .Where(l => l.FirstContactAt == null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork) && l.CreatedAt >= since)
            .Select(l => new { l.Id, l.CreatedAt, l.AssigneeId, l.QueueTeamId, Title = l.CompanyName ?? l.ContactName ?? l.Phone ?? l.Email,
                Team = l.AssigneeId == null ? l.QueueTeamId : db.Managers.Where(m => m.Id == l.AssigneeId).Select(m => m.TeamId).FirstOrDefault() })
            .ToListAsync(ct);
        if (waiting.Count == 0) return 0;
        var leads = await TeamLeads.ByTeamAsync(db, ct);
        var keys = waiting.SelectMany(w => new[] { Key("stl-assignee", w.Id), Key("stl-lead", w.Id) }).ToList();
        var sent = (await db.Notifications.AsNoTracking().Where(n => keys.Contains(n.DedupKey!)).Select(n => n.DedupKey!).ToListAsync(ct)).ToHashSet();
        var created = 0;
        foreach (var w in waiting)
        {
            var minutes = calendar.MinutesBetween(w.CreatedAt, now, w.Team);
            if (w.AssigneeId is { } assignee && minutes >= options.Thresholds.LeadAlertAssigneeMinutes && sent.Add(Key("stl-assignee", w.Id)))
            {
                db.Notifications.Add(new Notification(assignee, NotificationKind.SpeedToLead, $"Лид ждёт контакта {Math.Floor(minutes)} мин: {w.Title}",
                    "Позвоните, пока клиент тёплый", "/leads?mine=1", Key("stl-assignee", w.Id), now));
                created++;
            }
            if (minutes >= options.Thresholds.LeadAlertTeamLeadMinutes && w.Team is { } team && leads.TryGetValue(team, out var teamLead)
                && sent.Add(Key("stl-lead", w.Id)))
            {
                db.Notifications.Add(new Notification(teamLead, NotificationKind.SpeedToLead, $"Лид без контакта {Math.Floor(minutes)} мин: {w.Title}",
                    w.AssigneeId is null ? "Лид в очереди — назначьте менеджера" : "Ответственный ещё не связался", "/leads", Key("stl-lead", w.Id), now));
                created++;
            }
        }
        if (created > 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return 0; // another node raised these alerts a moment ago
            }
        }
        return created;
    }

    private static string Key(string kind, int leadId) => string.Create(CultureInfo.InvariantCulture, $"{kind}:{leadId}");
}
