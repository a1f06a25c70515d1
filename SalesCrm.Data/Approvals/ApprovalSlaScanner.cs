using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Approvals;

/// <summary>
/// A request the team lead did not decide within the SLA (settings, working hours of the requester's team by the working
/// calendar: a request sent on Friday evening is not late on Monday morning) goes to the head by itself, with a
/// notification to the heads and to the requester. Safe on several nodes: the request's
/// version token lets only one of them move it.
/// </summary>
public sealed class ApprovalSlaScanner(IProviderContextFactory contexts, TimeProvider time, Calendar.WorkingCalendarSource calendars) : IPeriodicScan
{
    public string Name => "approval SLA";

    public TimeSpan Every => TimeSpan.FromMinutes(1);

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = contexts.Create();
        var policy = await ApprovalService.PolicyAsync(db, ct);
        var due = now - policy.Sla; // working time is never longer than clock time: only these can be late
        var overdue = await db.ApprovalRequests.Include(a => a.Decisions)
            .Where(a => a.State == ApprovalRequestState.Pending && a.Level == ApprovalLevel.TeamLead && a.LevelSince <= due)
            .OrderBy(a => a.LevelSince).Take(200).ToListAsync(ct);
        if (overdue.Count == 0) return 0;
        var calendar = await calendars.CurrentAsync(ct);
        var requesters = overdue.Select(r => r.RequesterId).Distinct().ToList();
        var teams = await db.Managers.AsNoTracking().Where(m => requesters.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.TeamId, ct);
        var escalated = 0;
        var heads = await db.Managers.Where(m => m.IsActive && m.Role == StaffRole.Head).Select(m => m.Id).ToListAsync(ct);
        foreach (var request in overdue)
        {
            var waited = TimeSpan.FromMinutes(calendar.MinutesBetween(request.LevelSince, now, teams.GetValueOrDefault(request.RequesterId)));
            if (!request.EscalateOverdue(policy.Sla, now, waited)) continue;
            escalated++;
            var title = $"Эскалация по сроку: сделка № {request.DealId}, {request.Kind.Russian().ToLowerInvariant()} {request.DiscountPercent:0.##} %";
            var body = $"Не решено за {policy.SlaHours} рабочих ч — теперь решает: {request.Level.Russian().ToLowerInvariant()}";
            foreach (var id in heads.Append(request.RequesterId).Distinct())
                db.Notifications.Add(new Notification(id, NotificationKind.Escalation, title, body, $"/approvals?id={request.Id}", null, now));
        }
        if (escalated == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0; // someone decided (or another node escalated) a moment ago; the next scan sees the new state
        }
        return escalated;
    }
}
