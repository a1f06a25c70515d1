using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Leads;

/// <summary>
/// Who gets the work: the team's load, the distribution's suggestion, (re)assignment of leads, deals and clients with a
/// reason from the catalogue, the hand-over of a manager's work before an absence, and each team's distribution setting.
/// Only those who may assign (<see cref="CurrentUser.CanAssign"/>), within the people they see.
/// </summary>
public sealed class AssignmentService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    DistributionSnapshot distribution, SecurityLog security)
{
    /// <summary>The team's load: open deals by stage and premium, plan, capacity, new leads this week, overdue tasks.</summary>
    public async Task<IReadOnlyList<WorkloadRow>> WorkloadAsync(int? teamId = null, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!CanAssign(user)) throw new AccessDeniedException("Загрузку команды видят старший менеджер и начальник отдела.");
        if (!user.SeesEverything) teamId = user.TeamId;
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = options.Today(now);
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone);
        var week = ReportingPeriod.Containing(PeriodKind.Week, now, options.TimeZone);
        var sellers = await db.Managers.AsNoTracking().Include(m => m.Absences)
            .Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead) && (teamId == null || m.TeamId == teamId))
            .OrderBy(m => m.Role).ThenBy(m => m.FullName).ToListAsync(ct);
        var ids = sellers.Select(m => m.Id).ToList();
        var open = await db.Deals.AsNoTracking().Where(d => ids.Contains(d.OwnerId) && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .GroupBy(d => new { d.OwnerId, d.Stage }).Select(g => new { g.Key.OwnerId, g.Key.Stage, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks) })
            .ToListAsync(ct);
        var won = await db.Deals.AsNoTracking().Where(d => ids.Contains(d.OwnerId) && d.Stage == StageCode.Won && d.ClosedAt >= month.FromUtc && d.ClosedAt < month.ToUtc)
            .GroupBy(d => d.OwnerId).Select(g => new { Owner = g.Key, Sum = g.Sum(d => d.PremiumKopecks) }).ToDictionaryAsync(x => x.Owner, x => x.Sum, ct);
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.ManagerId) && p.Year == month.FirstDay.Year && p.Month == month.FirstDay.Month)
            .ToDictionaryAsync(p => p.ManagerId, p => p.TargetKopecks, ct);
        var leads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && ids.Contains(l.AssigneeId.Value))
            .GroupBy(l => l.AssigneeId!.Value)
            .Select(g => new
            {
                Owner = g.Key,
                Open = g.Count(l => l.Status == LeadStatus.New || l.Status == LeadStatus.InWork),
                ThisWeek = g.Count(l => l.AssignedAt >= week.FromUtc),
            }).ToDictionaryAsync(x => x.Owner, ct);
        var overdue = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.AssigneeId) && t.Status == TaskState.Open && t.DueAt < now)
            .GroupBy(t => t.AssigneeId).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
        // Team leads appear only while they carry work of their own (the rules give new work to managers).
        return sellers.Where(m => m.Role == StaffRole.Manager || open.Any(o => o.OwnerId == m.Id) || (leads.TryGetValue(m.Id, out var own) && own.Open > 0))
            .Select(m =>
        {
            var mine = open.Where(o => o.OwnerId == m.Id).ToList();
            var absence = m.Absences.Where(a => a.To >= today.Date).OrderBy(a => a.From).FirstOrDefault(a => a.Covers(today));
            leads.TryGetValue(m.Id, out var l);
            return new WorkloadRow(m.Id, m.FullName, m.TeamId, mine.ToDictionary(o => o.Stage, o => o.Count), mine.Sum(o => o.Count),
                mine.Sum(o => o.Premium), plans.GetValueOrDefault(m.Id), won.GetValueOrDefault(m.Id), m.Capacity, l?.Open ?? 0, l?.ThisWeek ?? 0,
                overdue.GetValueOrDefault(m.Id), absence?.To);
        }).ToList();
    }

    /// <summary>The manager the rules would choose for the lead now, with the explanation (shown in the assign dialog).</summary>
    public async Task<DistributionDecision?> SuggestAsync(int leadId, CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, leadId, "open", ct);
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId, ct);
        return await distribution.PreviewAsync(WorkProfile.Of(lead, await ProductOfAsync(db, lead, ct)),
            c => c.ManagerId != lead.AssigneeId && (user.SeesEverything || c.TeamId == user.TeamId), ct);
    }

    private static Task<Product?> ProductOfAsync(CrmDbContext db, Lead lead, CancellationToken ct) =>
        lead.ProductCode is { } code ? db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code, ct) : Task.FromResult<Product?>(null);

    // ---------------------------------------------------------------- assignment

    /// <summary>
    /// Assigns leads to a manager — or, with no manager given, each by the distribution rules — with a reason
    /// from the catalogue and a comment. The new assignee is notified.
    /// </summary>
    public async Task<int> AssignLeadsAsync(IReadOnlyCollection<int> leadIds, int? toManagerId, AssignmentReason reason, string? comment,
        CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.AssignmentReason, (int)reason, "Reason", ct);
        var leads = await Visible(db, user).AsTracking().Where(l => leadIds.Contains(l.Id)).ToListAsync(ct);
        if (leads.Count != leadIds.Count) throw new AccessDeniedException("Часть лидов вам недоступна.");
        if (toManagerId is { } target) await EnsureAssigneeAsync(db, user, target, ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var lead in leads)
        {
            var to = toManagerId;
            var rule = (string?)null;
            if (to is null)
            {
                var (decision, _) = await distribution.DecideAsync(WorkProfile.Of(lead, await ProductOfAsync(db, lead, ct)),
                    c => c.ManagerId != lead.AssigneeId && (user.SeesEverything || c.TeamId == user.TeamId), ct);
                if (decision is null) throw new DomainException("По правилам некому назначить: все менеджеры в отпуске или загружены.");
                to = decision.Manager.ManagerId;
                rule = decision.Explanation;
            }
            lead.AssignTo(to.Value, reason, comment, user.ManagerId, rule, now);
            db.Notifications.Add(Notification.HandOver(to.Value, $"Вам передан лид: {lead.CompanyName ?? lead.ContactName ?? lead.Phone ?? lead.Email}",
                reason, comment, user.FullName, "/leads?mine=1", now));
        }
        await db.SaveChangesAsync(ct);
        distribution.Invalidate();
        return leads.Count;
    }

    /// <summary>Hands deals to another manager with a reason; the new owner is notified.</summary>
    public async Task<int> ReassignDealsAsync(IReadOnlyCollection<int> dealIds, int toManagerId, AssignmentReason reason, string? comment,
        CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.AssignmentReason, (int)reason, "Reason", ct);
        await EnsureAssigneeAsync(db, user, toManagerId, ct);
        var deals = await db.Deals.VisibleTo(user, db).Where(d => dealIds.Contains(d.Id)).ToListAsync(ct);
        if (deals.Count != dealIds.Count) throw new AccessDeniedException("Часть сделок вам недоступна.");
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var deal in deals.Where(d => d.OwnerId != toManagerId && !d.IsClosed))
        {
            deal.Reassign(toManagerId, reason, comment, user.ManagerId, null, now);
            db.Notifications.Add(Notification.HandOver(toManagerId, $"Вам передана сделка № {deal.Id}", reason, comment, user.FullName, $"/deals/{deal.Id}", now));
        }
        await db.SaveChangesAsync(ct);
        distribution.Invalidate();
        return deals.Count;
    }

    /// <summary>Hands clients to another manager with a reason; the new owner is notified.</summary>
    public async Task<int> ReassignClientsAsync(IReadOnlyCollection<int> clientIds, int toManagerId, AssignmentReason reason, string? comment,
        CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.AssignmentReason, (int)reason, "Reason", ct);
        await EnsureAssigneeAsync(db, user, toManagerId, ct);
        // Only clients owned within the user's reach move: a client merely seen through one of the team's deals stays its owner's.
        var reach = user.VisibleOwnerIds;
        var clients = await db.Clients.VisibleTo(user, db).Where(c => clientIds.Contains(c.Id) && (reach == null || reach.Contains(c.OwnerId))).ToListAsync(ct);
        if (clients.Count != clientIds.Count) throw new AccessDeniedException("Часть клиентов вам недоступна.");
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var client in clients.Where(c => c.OwnerId != toManagerId))
        {
            client.Reassign(toManagerId, reason, comment, user.ManagerId, null, now);
            db.Notifications.Add(Notification.HandOver(toManagerId, $"Вам передан клиент «{client.Name}»", reason, comment, user.FullName, $"/clients/{client.Id}", now));
        }
        await db.SaveChangesAsync(ct);
        return clients.Count;
    }

    /// <summary>
    /// Before a vacation: all of a manager's open leads and deals, and their clients, go to colleagues of the team by
    /// the distribution rules, each with the reason and comment given. One transaction; returns how many of each moved.
    /// </summary>
    public async Task<(int Leads, int Deals, int Clients)> RedistributeAsync(int managerId, AssignmentReason reason, string? comment,
        CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.AssignmentReason, (int)reason, "Reason", ct);
        var manager = await db.Managers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Менеджер не найден.");
        if (!user.CanSeeOwner(managerId)) throw new AccessDeniedException("Это менеджер другой команды.");
        var now = time.GetUtcNow().UtcDateTime;
        bool Colleague(DistributionCandidate c) => c.ManagerId != managerId && c.TeamId == manager.TeamId;
        var products = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, ct);
        var received = new Dictionary<int, int>();

        var leads = await db.Leads.Where(l => l.AssigneeId == managerId && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork)).ToListAsync(ct);
        foreach (var lead in leads)
        {
            var decision = await DecideOrFailAsync(WorkProfile.Of(lead, lead.ProductCode is { } code ? products.Values.FirstOrDefault(p => p.Code == code) : null), Colleague, ct);
            lead.AssignTo(decision.Manager.ManagerId, reason, comment, user.ManagerId, decision.Explanation, now);
            received[decision.Manager.ManagerId] = received.GetValueOrDefault(decision.Manager.ManagerId) + 1;
        }
        var deals = await db.Deals.Include(d => d.Client).Where(d => d.OwnerId == managerId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .ToListAsync(ct);
        foreach (var deal in deals)
        {
            var client = deal.Client!;
            var decision = await DecideOrFailAsync(WorkProfile.Of(client, products[deal.ProductId]), Colleague, ct);
            deal.Reassign(decision.Manager.ManagerId, reason, comment, user.ManagerId, decision.Explanation, now);
            received[decision.Manager.ManagerId] = received.GetValueOrDefault(decision.Manager.ManagerId) + 1;
        }
        // A client follows its largest open deal; clients without open deals go by the rules.
        var clients = await db.Clients.Where(c => c.OwnerId == managerId).ToListAsync(ct);
        foreach (var client in clients)
        {
            var follow = deals.Where(d => d.ClientId == client.Id).OrderByDescending(d => d.PremiumKopecks).FirstOrDefault();
            var to = follow?.OwnerId;
            string? rule = follow is null ? null : $"вслед за сделкой № {follow.Id}";
            if (to is null)
            {
                var decision = await DecideOrFailAsync(WorkProfile.Of(client), Colleague, ct);
                to = decision.Manager.ManagerId;
                rule = decision.Explanation;
            }
            client.Reassign(to.Value, reason, comment, user.ManagerId, rule, now);
        }
        foreach (var (to, count) in received)
            db.Notifications.Add(Notification.HandOver(to, $"Вам передана работа {manager.FullName}: {count}", reason, comment, user.FullName, "/leads?mine=1", now));
        await db.SaveChangesAsync(ct);
        distribution.Invalidate();
        return (leads.Count, deals.Count, clients.Count);
    }

    /// <summary>The teams whose distribution setting the user manages: the team lead's own, every team for the head.</summary>
    public async Task<IReadOnlyList<TeamDistribution>> TeamSettingsAsync(CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Teams.AsNoTracking().Where(t => user.SeesEverything || t.Id == user.TeamId).OrderBy(t => t.Name)
            .Select(t => new TeamDistribution(t.Id, t.Name, t.AutoAssignLeads)).ToListAsync(ct);
    }

    /// <summary>Per team: assign new leads on arrival, or queue them for the team lead.</summary>
    public async Task SetAutoAssignAsync(int teamId, bool enabled, CancellationToken ct = default)
    {
        var user = await RequireAssignerAsync(ct);
        if (!user.SeesEverything && user.TeamId != teamId) throw new AccessDeniedException("Это настройка другой команды.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Команда не найдена.");
        team.SetAutoAssign(enabled);
        await db.SaveChangesAsync(ct);
        distribution.Invalidate();
    }

    // ---------------------------------------------------------------- helpers

    private async Task<DistributionDecision> DecideOrFailAsync(WorkProfile work, Func<DistributionCandidate, bool> eligible, CancellationToken ct) =>
        (await distribution.DecideAsync(work, eligible, ct)).Decision
        ?? throw new DomainException("Некому передать работу: коллеги в отпуске или загружены полностью. Освободите ёмкость или назначьте вручную.");

    private static bool CanAssign(CurrentUser user) => user.CanAssign;

    private Task<CurrentUser> RequireAssignerAsync(CancellationToken ct) => users.RequireRoleAsync(security, CanAssign, "Assignment", "assign",
        "Назначать и передавать работу может старший менеджер или начальник отдела.", ct);

    private static async Task EnsureAssigneeAsync(CrmDbContext db, CurrentUser user, int managerId, CancellationToken ct)
    {
        var target = await db.Managers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == managerId && m.IsActive, ct)
                     ?? throw new DomainException("Менеджер не найден.", "ManagerId");
        if (target.Role is not (StaffRole.Manager or StaffRole.TeamLead)) throw new DomainException("Назначить можно только менеджеру по продажам.", "ManagerId");
        if (!user.CanSeeOwner(managerId)) throw new AccessDeniedException("Это менеджер другой команды.");
    }

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int leadId, string what, CancellationToken ct) =>
        await RecordGuard.EnsureVisibleAsync(LeadService.Visible(db, user), db.Leads, l => l.Id == leadId, security, user, nameof(Lead), leadId, what,
            "Этот лид закреплён за другим менеджером.", "Лид не найден.", ct);

    private static IQueryable<Lead> Visible(CrmDbContext db, CurrentUser user) => LeadService.Visible(db, user);
}
