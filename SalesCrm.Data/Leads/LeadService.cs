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
/// The lead inbox: the queue, speed to lead, intake from the UI, first contact, qualification and disqualification. A
/// manager works the own leads; a team lead the team's and its queue; the head everything. Who gets the work is
/// <see cref="AssignmentService"/>.
/// </summary>
public sealed class LeadService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    LeadIntakeService intake, SecurityLog security, Calendar.WorkingCalendarSource calendars)
{
    // ---------------------------------------------------------------- reading

    public async Task<PagedResult<LeadRow>> ListAsync(LeadListQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var leads = Filtered(db, user, query);
        var total = await leads.CountAsync(ct);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var rows = await Project(db, Sorted(leads, query).Skip(Math.Max(0, query.Page) * size).Take(size)).ToListAsync(ct);
        var calendar = await calendars.CurrentAsync(ct);
        return new PagedResult<LeadRow>(rows.Select(r => WithResponse(calendar, r)).ToList(), total);
    }

    /// <summary>Every lead the list shows for these filters, in its order, streamed (the Excel export).</summary>
    public async IAsyncEnumerable<LeadRow> ExportAsync(LeadListQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var calendar = await calendars.CurrentAsync(ct);
        await foreach (var row in Project(db, Sorted(Filtered(db, user, query), query)).AsAsyncEnumerable().WithCancellation(ct))
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
        if (query.Period is { } period) leads = leads.Where(l => l.CreatedAt >= period.FromUtc && l.CreatedAt < period.ToUtc);
        if (query.TeamId is { } team)
            leads = leads.Where(l => l.AssigneeId != null ? db.Managers.Any(m => m.Id == l.AssigneeId && m.TeamId == team) : l.QueueTeamId == team);
        var noTags = new Dictionary<string, string>();
        leads = query.Evidence switch
        {
            LeadEvidence.Contacted => leads.Where(l => l.FirstContactAt != null),
            LeadEvidence.NotContacted => leads.Where(l => l.FirstContactAt == null),
            LeadEvidence.LostBeforeContact => leads.Where(l => l.FirstContactAt == null && (l.Status == LeadStatus.Disqualified || l.Status == LeadStatus.Qualified)),
            LeadEvidence.NoSource => leads.Where(l => l.SourceTags == noTags),
            LeadEvidence.Repeated => leads.Where(l => l.Touches > 0),
            _ => leads,
        };
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

    /// <summary>The chosen order, then the newest first among equals, so a page boundary never shuffles.</summary>
    private static IQueryable<Lead> Sorted(IQueryable<Lead> leads, LeadListQuery query) => (query.Sort, query.Descending) switch
    {
        (LeadSort.Title, false) => leads.OrderBy(l => l.CompanyName ?? l.ContactName).ThenByDescending(l => l.Id),
        (LeadSort.Title, true) => leads.OrderByDescending(l => l.CompanyName ?? l.ContactName).ThenByDescending(l => l.Id),
        (LeadSort.Region, false) => leads.OrderBy(l => l.Region).ThenByDescending(l => l.Id),
        (LeadSort.Region, true) => leads.OrderByDescending(l => l.Region).ThenByDescending(l => l.Id),
        (LeadSort.Status, false) => leads.OrderBy(l => l.Status).ThenByDescending(l => l.Id),
        (LeadSort.Status, true) => leads.OrderByDescending(l => l.Status).ThenByDescending(l => l.Id),
        (_, false) => leads.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id),
        _ => leads.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id),
    };

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
            activities.Select(a => new LeadActivityInfo(a.OccurredAt, a.Kind.ToString(), a.Comment ?? a.Outcome, names.GetValueOrDefault(a.AuthorId, "?"),
                a.Direction.ToString(), a.Comment is null ? null : a.Outcome)).ToList(),
            user.CanAssign, lead.CompanyName, lead.Messenger);
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

    // ---------------------------------------------------------------- intake from the UI

    /// <summary>A lead typed in by a person (a call to the office, a visitor): the same intake as the API.</summary>
    public async Task<IntakeResult> CreateAsync(LeadSubmission submission, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Лиды заводят менеджеры и руководители.");
        return await intake.SubmitAsync(submission, new IntakeSource(null, user.FullName, user.ManagerId, LeadChannel.Phone), null, ct);
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

    // ---------------------------------------------------------------- helpers

    private static async Task ReleaseKeysAsync(CrmDbContext db, int leadId, CancellationToken ct) =>
        db.LeadDedupKeys.RemoveRange(await db.LeadDedupKeys.Where(k => k.LeadId == leadId).ToListAsync(ct));

    /// <summary>Leads the user may see: own; the team's and its queue (and unrouted ones) for a team lead; all for the head.</summary>
    internal static IQueryable<Lead> Visible(CrmDbContext db, CurrentUser user)
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
