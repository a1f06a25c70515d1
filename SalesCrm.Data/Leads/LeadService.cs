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
/// The lead inbox: the queue, the team's load, (re)assignment of leads, deals and clients with a reason from the
/// catalogue, speed to lead, first contact, qualification and disqualification. A manager works the own leads; a
/// team lead the team's and its queue; the head everything.
/// </summary>
public sealed class LeadService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    LeadIntakeService intake, DistributionSnapshot distribution, SecurityLog security, Calendar.WorkingCalendarSource calendars)
{
    // ---------------------------------------------------------------- reading

    public async Task<PagedResult<LeadRow>> ListAsync(LeadListQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var leads = Filtered(db, user, query);
        var total = await leads.CountAsync(ct);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var rows = await Project(db, Sorted(leads).Skip(Math.Max(0, query.Page) * size).Take(size)).ToListAsync(ct);
        var calendar = await calendars.CurrentAsync(ct);
        return new PagedResult<LeadRow>(rows.Select(r => WithResponse(calendar, r)).ToList(), total);
    }

    /// <summary>Every lead the list shows for these filters, in its order, streamed (the Excel export).</summary>
    public async IAsyncEnumerable<LeadRow> ExportAsync(LeadListQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var calendar = await calendars.CurrentAsync(ct);
        await foreach (var row in Project(db, Sorted(Filtered(db, user, query))).AsAsyncEnumerable().WithCancellation(ct))
            yield return WithResponse(calendar, row);
    }

    private IQueryable<Lead> Filtered(CrmDbContext db, CurrentUser user, LeadListQuery query)
    {
        var leads = Visible(db, user);
        leads = query.View switch
        {
            LeadView.Queue => leads.Where(l => l.AssigneeId == null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork)),
            LeadView.Mine => leads.Where(l => l.AssigneeId == user.ManagerId),
            _ => leads,
        };
        if (query.Status is { } status) leads = leads.Where(l => l.Status == status);
        if (query.AssigneeId is { } assignee) leads = leads.Where(l => l.AssigneeId == assignee);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var t = query.Text.Trim();
            var phone = Phone.Normalize(t);
            var lower = t.ToLowerInvariant();
            leads = leads.Where(l => l.CompanyName!.Contains(t) || l.ContactName!.Contains(t) || l.Inn!.StartsWith(t)
                                     || l.EmailNormalized!.Contains(lower) || (phone != null && l.PhoneNormalized == phone));
        }
        return leads;
    }

    private static IQueryable<Lead> Sorted(IQueryable<Lead> leads) => leads.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id);

    public async Task<LeadDetail> DetailAsync(int leadId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, leadId, "open", ct);
        var row = WithResponse(await calendars.CurrentAsync(ct), await Project(db, db.Leads.AsNoTracking().Where(l => l.Id == leadId)).SingleAsync(ct));
        var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == leadId, ct);
        var names = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        var assignments = await db.Assignments.AsNoTracking().Where(a => a.LeadId == leadId).OrderByDescending(a => a.At).ToListAsync(ct);
        var activities = await db.Activities.AsNoTracking().Where(a => a.LeadId == leadId).OrderByDescending(a => a.OccurredAt).ToListAsync(ct);
        return new LeadDetail(row, lead.Inn, lead.Comment, lead.Industry, lead.SourceTags, lead.ClientId, lead.DealId, lead.DisqualifyReason,
            assignments.Select(a => new LeadAssignmentInfo(a.At, a.FromManagerId is { } f ? names.GetValueOrDefault(f) : null,
                names.GetValueOrDefault(a.ToManagerId, "?"), a.Reason, a.Comment, a.ByManagerId is { } b ? names.GetValueOrDefault(b) : null, a.Rule)).ToList(),
            activities.Select(a => new LeadActivityInfo(a.OccurredAt, a.Kind.ToString(), a.Comment ?? a.Outcome, names.GetValueOrDefault(a.AuthorId, "?"))).ToList(),
            CanAssign(user));
    }

    /// <summary>Speed to lead over the leads created in the period, in the user's scope.</summary>
    public async Task<SpeedToLead> SpeedAsync(ReportingPeriod period, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await Visible(db, user).Where(l => l.CreatedAt >= period.FromUtc && l.CreatedAt < period.ToUtc)
            .Select(l => new { l.CreatedAt, l.FirstContactAt, l.Status,
                Team = l.AssigneeId == null ? l.QueueTeamId : db.Managers.Where(m => m.Id == l.AssigneeId).Select(m => m.TeamId).FirstOrDefault() })
            .ToListAsync(ct);
        var target = options.Thresholds.ResponseTargetMinutes;
        var calendar = await calendars.CurrentAsync(ct);
        var responses = rows.Where(r => r.FirstContactAt is not null)
            .Select(r => calendar.MinutesBetween(r.CreatedAt, r.FirstContactAt!.Value, r.Team)).Order().ToList();
        double? median = responses.Count == 0 ? null
            : responses.Count % 2 == 1 ? responses[responses.Count / 2] : (responses[responses.Count / 2 - 1] + responses[responses.Count / 2]) / 2;
        var lost = rows.Count(r => r.FirstContactAt is null && r.Status is LeadStatus.Disqualified or LeadStatus.Qualified);
        return new SpeedToLead(rows.Count, responses.Count, median, PipelineFigures.Share(responses.Count(m => m > target), responses.Count),
            PipelineFigures.Share(responses.Count, rows.Count), PipelineFigures.Share(lost, rows.Count), target);
    }

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

    // ---------------------------------------------------------------- intake from the UI

    /// <summary>A lead typed in by a person (a call to the office, a visitor): the same intake as the API.</summary>
    public async Task<IntakeResult> CreateAsync(LeadSubmission submission, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Лиды заводят менеджеры и руководители.");
        return await intake.SubmitAsync(submission, new IntakeSource(null, user.FullName, user.ManagerId, LeadChannel.Phone), null, ct);
    }

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

    // ---------------------------------------------------------------- working the lead

    /// <summary>The first (or a further) call, meeting or e-mail with the lead: stops the speed-to-lead clock.</summary>
    public async Task ContactAsync(int leadId, ActivityKind kind, string? comment, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var lead = await LoadForWorkAsync(db, user, leadId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (kind is not (ActivityKind.Call or ActivityKind.Meeting or ActivityKind.Email))
            throw new DomainException("Контакт — это звонок, встреча или письмо.", "Kind");
        db.Activities.Add(new Activity(kind, now, user.ManagerId, null, null, lead.Id, ActivityDirection.Outbound, 0, "Контакт с лидом", comment, null, now));
        lead.RecordContact(now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Turns the lead into a client (matched by INN, or created) and a deal; the lead is closed as qualified.</summary>
    public async Task<int> QualifyAsync(int leadId, QualifyInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var lead = await LoadForWorkAsync(db, user, leadId, ct);
        if (!lead.IsOpen) throw new DomainException("Лид уже закрыт.");
        var now = time.GetUtcNow().UtcDateTime;
        var owner = lead.AssigneeId ?? user.ManagerId;
        var nextStep = Deals.DealService.NextStep(options, input.NextStepTitle, input.NextStepDueAt, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inn = Inn.Parse(input.Inn ?? lead.Inn, "Inn");
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Inn == inn.Value, ct);
        if (client is not null && !await db.Clients.VisibleTo(user, db).AnyAsync(c => c.Id == client.Id, ct))
        {
            // A client someone else serves: nothing of it is shown or attached here; the lead goes to its owner (or, when the
            // owner is away for good, to the owner's team lead), who is told. The user learns only that it is served.
            await tx.RollbackAsync(ct);
            await HandToServingOwnerAsync(db, lead, client, user, now, ct);
            throw new DomainException(LeadHandedOver.Message, "Inn");
        }
        if (client is null)
        {
            var phone = string.IsNullOrWhiteSpace(input.Phone) ? lead.Phone : input.Phone.Trim();
            var email = string.IsNullOrWhiteSpace(input.Email) ? lead.Email : input.Email.Trim();
            if (options.Quality.EnforceOnSave) Domain.Quality.SaveRules.RequireReachable(phone, email, false);
            client = new Client(input.ClientName ?? lead.CompanyName ?? "", inn, null, input.Industry ?? lead.Industry ?? "", input.Region ?? lead.Region ?? "",
                input.Segment, owner, now);
            client.SetContacts(phone, email, null);
            if (lead.ContactName is { } contact) client.AddContact(contact, null, phone, email, true, now);
            db.Clients.Add(client);
            await db.SaveChangesAsync(ct);
        }
        if (!await db.Products.AnyAsync(p => p.Id == input.ProductId && p.IsActive, ct)) throw new DomainException("Выберите продукт.", "ProductId");
        var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New, ct);
        var deal = new Deal(client.Id, input.ProductId, owner, new Money(input.PremiumKopecks), input.ExpectedCloseDate, first, user.ManagerId, now, lead.Id);
        db.Deals.Add(deal);
        await db.SaveChangesAsync(ct);
        if (nextStep is { } step) db.Tasks.Add(new TaskItem(TaskKind.FollowUp, step.Title, owner, user.ManagerId, step.DueAt, deal.Id, client.Id, null, now));
        lead.Qualify(client.Id, deal.Id, now);
        await ReleaseKeysAsync(db, lead.Id, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return deal.Id;
    }

    private static async Task HandToServingOwnerAsync(CrmDbContext db, Lead lead, Client client, CurrentUser user, DateTime now, CancellationToken ct)
    {
        var owner = await db.Managers.AsNoTracking().Where(m => m.Id == client.OwnerId).Select(m => new { m.Id, m.IsActive, m.TeamId }).SingleAsync(ct);
        var to = owner.IsActive ? owner.Id
            : await db.Managers.AsNoTracking().LeadsOf(owner.TeamId).OrderBy(m => m.Id).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct)
              ?? await db.Managers.AsNoTracking().Where(m => m.IsActive && m.Role == StaffRole.Head).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync(ct);
        if (lead.AssigneeId != to)
            lead.AssignTo(to, AssignmentReason.Other, "ИНН действующего клиента: лид передан ответственному", user.ManagerId, null, now);
        db.Notifications.Add(new Notification(to, NotificationKind.Assignment, $"Лид по вашему клиенту «{client.Name}»",
            $"{user.FullName} квалифицировал лид с ИНН вашего клиента — лид передан вам", $"/leads?id={lead.Id}", null, now));
        await db.SaveChangesAsync(ct);
    }

    public async Task DisqualifyAsync(int leadId, string reason, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var lead = await LoadForWorkAsync(db, user, leadId, ct);
        lead.Disqualify(reason, time.GetUtcNow().UtcDateTime);
        await ReleaseKeysAsync(db, lead.Id, ct);
        await db.SaveChangesAsync(ct);
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

    private static async Task ReleaseKeysAsync(CrmDbContext db, int leadId, CancellationToken ct) =>
        db.LeadDedupKeys.RemoveRange(await db.LeadDedupKeys.Where(k => k.LeadId == leadId).ToListAsync(ct));

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

    /// <summary>Leads the user may see: own; the team's and its queue (and unrouted ones) for a team lead; all for the head.</summary>
    private static IQueryable<Lead> Visible(CrmDbContext db, CurrentUser user)
    {
        var leads = db.Leads.AsNoTracking();
        if (user.VisibleOwnerIds is not { } ids) return leads;
        if (user.Role == StaffRole.TeamLead)
            return leads.Where(l => (l.AssigneeId != null && ids.Contains(l.AssigneeId.Value)) || (l.AssigneeId == null && (l.QueueTeamId == user.TeamId || l.QueueTeamId == null)));
        return leads.Where(l => l.AssigneeId != null && ids.Contains(l.AssigneeId.Value));
    }

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int leadId, string what, CancellationToken ct) =>
        await RecordGuard.EnsureVisibleAsync(Visible(db, user), db.Leads, l => l.Id == leadId, security, user, nameof(Lead), leadId, what,
            "Этот лид закреплён за другим менеджером.", "Лид не найден.", ct);

    private async Task<Lead> LoadForWorkAsync(CrmDbContext db, CurrentUser user, int leadId, CancellationToken ct)
    {
        await EnsureVisibleAsync(db, user, leadId, "work", ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Ваша роль позволяет только просматривать лиды.");
        return await db.Leads.SingleAsync(l => l.Id == leadId, ct);
    }

    private static IQueryable<LeadRow> Project(CrmDbContext db, IQueryable<Lead> leads) =>
        leads.Select(l => new LeadRow(l.Id, l.CreatedAt, l.Channel, l.CompanyName ?? l.ContactName ?? l.Phone ?? l.Email ?? "", l.ContactName, l.Phone,
            l.Email, l.Region, l.ProductCode, l.Status, l.AssigneeId, db.Managers.Where(m => m.Id == l.AssigneeId).Select(m => m.FullName).FirstOrDefault(),
            l.FirstContactAt, l.Touches, db.Assignments.Where(a => a.LeadId == l.Id).OrderByDescending(a => a.At).Select(a => a.Rule ?? a.Comment).FirstOrDefault(),
            l.QueueTeamId, null, l.AssigneeId == null ? l.QueueTeamId : db.Managers.Where(m => m.Id == l.AssigneeId).Select(m => m.TeamId).FirstOrDefault()));

    private static LeadRow WithResponse(Domain.Calendar.WorkingCalendar calendar, LeadRow row) => row.FirstContactAt is { } c
        ? row with { ResponseMinutes = Math.Round(calendar.MinutesBetween(row.CreatedAt, c, row.TeamId), 1) }
        : row;
}
