using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Clients;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Approvals;

/// <summary>
/// Discount, special-terms and retention-bonus approvals (the discount use case of docs/features.md): the request from the deal, routing
/// by the authority matrix, the inbox, one-click decisions, escalation and the thread. Every decision keeps the deal
/// in step (premium frozen while pending, the approved premium applied) in the same transaction, and a decision made
/// on a stale request is refused: of two approvers at the same moment exactly one decides.
/// </summary>
public sealed class ApprovalService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security,
    Calendar.WorkingCalendarSource calendars)
{
    // ---------------------------------------------------------------- reading

    public async Task<IReadOnlyList<ApprovalRow>> ListAsync(ApprovalView view, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var policy = await PolicyAsync(db, ct);
        var visible = Visible(db, user);
        var levels = ApprovalAuthority.LevelsOf(user.Role).ToList();
        visible = view switch
        {
            ApprovalView.ForMe => visible.Where(a => a.State == ApprovalRequestState.Pending && levels.Contains(a.Level) && a.RequesterId != user.ManagerId),
            ApprovalView.Pending => visible.Where(a => a.State == ApprovalRequestState.Pending),
            _ => visible.Where(a => a.State != ApprovalRequestState.Pending),
        };
        // Newest first: a request that just arrived is at the top of the inbox, not below two hundred older ones.
        var ordered = view == ApprovalView.Decided ? visible.OrderByDescending(a => a.DecidedAt) : visible.OrderByDescending(a => a.LevelSince);
        var rows = await Rows(db, ordered.Take(200)).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var calendar = await calendars.CurrentAsync(ct);
        return rows.Select(r => Finish(r, user, policy, calendar, now)).ToList();
    }

    /// <summary>How many requests wait for this person's decision (the menu badge).</summary>
    public async Task<int> WaitingForMeAsync(CancellationToken ct = default) => (await ListAsync(ApprovalView.ForMe, ct)).Count;

    public async Task<ApprovalDetail> DetailAsync(int requestId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, requestId, "open", ct);
        var request = await db.ApprovalRequests.AsNoTracking().Include(a => a.Decisions).SingleAsync(a => a.Id == requestId, ct);
        var policy = await PolicyAsync(db, ct);
        var row = Finish(await Rows(db, db.ApprovalRequests.Where(a => a.Id == requestId)).SingleAsync(ct), user, policy, await calendars.CurrentAsync(ct),
            time.GetUtcNow().UtcDateTime);
        var deal = await db.Deals.AsNoTracking().Include(d => d.CompetitorOffers).SingleAsync(d => d.Id == request.DealId, ct);
        var names = await NamesAsync(db, request.Decisions.Select(d => d.DeciderId).OfType<int>(), ct);
        return new ApprovalDetail(row, request.Version, request.Justification, request.Route, request.CompetitorOfferId,
            deal.CompetitorOffers.OrderByDescending(o => o.RecordedAt)
                .Select(o => new CompetitorOfferInfo(o.Id, o.Competitor, o.PremiumKopecks, o.Terms, o.RecordedAt)).ToList(),
            request.Decisions.OrderBy(d => d.At).ThenBy(d => d.Id)
                .Select(d => new ApprovalMessage(d.At, d.DeciderId is { } id ? names.GetValueOrDefault(id) : null, d.Role, d.Kind, d.Comment)).ToList(),
            request.EscalationTargets(user.ManagerId, user.Role), await EvidenceAsync(db, deal.ClientId, ct), await Timeline.ForDealAsync(db, deal.Id, 40, ct),
            CanComment: true, CanCancel: request.IsPending && request.RequesterId == user.ManagerId);
    }

    /// <summary>The deal's requests, newest first (the deal card's approval panel).</summary>
    public async Task<IReadOnlyList<ApprovalRow>> ForDealAsync(int dealId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Deals.VisibleTo(user, db).AnyAsync(d => d.Id == dealId, ct)) throw new AccessDeniedException("Сделка вам недоступна.");
        var policy = await PolicyAsync(db, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await Rows(db, db.ApprovalRequests.Where(a => a.DealId == dealId).OrderByDescending(a => a.CreatedAt)).ToListAsync(ct);
        var calendar = await calendars.CurrentAsync(ct);
        return rows.Select(r => Finish(r, user, policy, calendar, now)).ToList();
    }

    // ---------------------------------------------------------------- asking

    /// <summary>The deal's owner asks; the matrix picks the level; the approvers there are notified.</summary>
    public async Task<int> RequestAsync(int dealId, ApprovalInput input, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var deal = await db.Deals.VisibleTo(user, db).Include(d => d.CompetitorOffers).SingleOrDefaultAsync(d => d.Id == dealId, ct);
        if (deal is null)
        {
            await security.AccessDeniedAsync(user.Actor, nameof(Deal), RecordGuard.Key(dealId), "request approval", ct);
            throw new AccessDeniedException("Сделка вам недоступна.");
        }
        // The owner asks; a retention offer may also be started by the team lead or the head (renewal control).
        var leadsRetention = input.Kind == ApprovalKind.RetentionBonus && user.Role is StaffRole.TeamLead or StaffRole.Head;
        if (deal.OwnerId != user.ManagerId && !leadsRetention)
            throw new AccessDeniedException("Запросить согласование может только ответственный за сделку.");
        if (deal.IsClosed) throw new DomainException("Сделка закрыта — согласование не нужно.");
        if (await db.ApprovalRequests.AnyAsync(a => a.DealId == dealId && a.State == ApprovalRequestState.Pending, ct))
            throw new DomainException("По сделке уже есть запрос на согласовании — дождитесь решения или отзовите его.");
        if (input.CompetitorOfferId is { } offer && deal.CompetitorOffers.All(o => o.Id != offer))
            throw new DomainException("Это предложение конкурента не из этой сделки.", nameof(ApprovalInput.CompetitorOfferId));
        if (input.RequestedPremiumKopecks <= 0) throw new DomainException("Запрошенная премия должна быть больше нуля.", "RequestedPremium");

        var now = time.GetUtcNow().UtcDateTime;
        var policy = await PolicyAsync(db, ct);
        // The base is the deal's premium as the system knows it, never a number the requester types.
        var request = new ApprovalRequest(dealId, input.Kind, deal.Premium, new Money(input.RequestedPremiumKopecks),
            input.Justification ?? "", input.CompetitorOfferId, user.ManagerId, policy.Matrix, now, user.Role);
        deal.FollowApproval(request, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ApprovalRequests.Add(request);
        await db.SaveChangesAsync(ct);
        await NotifyApproversAsync(db, request, deal.OwnerId,
            $"Согласование: {request.Kind.Russian().ToLowerInvariant()} {request.DiscountPercent:0.##} % по сделке № {dealId}", $"{user.FullName}: {request.Justification}", now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return request.Id;
    }

    public Task CancelAsync(int requestId, int version, CancellationToken ct = default) =>
        DecideAsync(requestId, version, "cancel", (request, user) => request.RequesterId == user.ManagerId,
            (request, user, now) => request.Cancel(user.ManagerId, now), ct);

    // ---------------------------------------------------------------- deciding

    public Task ApproveAsync(int requestId, int version, string? comment, CancellationToken ct = default) =>
        DecideAsync(requestId, version, "approve", (request, user) => request.CanDecide(user.ManagerId, user.Role),
            (request, user, now) => request.Approve(user.ManagerId, user.Role, comment, now), ct);

    public Task RejectAsync(int requestId, int version, string comment, CancellationToken ct = default) =>
        DecideAsync(requestId, version, "reject", (request, user) => request.CanDecide(user.ManagerId, user.Role),
            (request, user, now) => request.Reject(user.ManagerId, user.Role, comment, now), ct);

    public Task EscalateAsync(int requestId, int version, ApprovalLevel to, string comment, CancellationToken ct = default) =>
        DecideAsync(requestId, version, "escalate", (request, user) => request.EscalationTargets(user.ManagerId, user.Role).Contains(to),
            (request, user, now) => request.Escalate(user.ManagerId, user.Role, to, comment, now), ct);

    /// <summary>A message on the thread; everyone who sees the request may write, the requester and the approvers are told.</summary>
    public async Task CommentAsync(int requestId, string text, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, requestId, "comment", ct);
        var request = await db.ApprovalRequests.Include(a => a.Decisions).SingleAsync(a => a.Id == requestId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        request.Comment(user.ManagerId, user.Role, text, now);
        var ownerId = await db.Deals.Where(d => d.Id == request.DealId).Select(d => d.OwnerId).SingleAsync(ct);
        var title = $"Сообщение по согласованию сделки № {request.DealId}";
        if (request.RequesterId != user.ManagerId) Notify(db, request.RequesterId, title, $"{user.FullName}: {text}", request, now);
        if (request.IsPending) await NotifyApproversAsync(db, request, ownerId, title, $"{user.FullName}: {text}", now, ct, except: user.ManagerId);
        await db.SaveChangesAsync(ct);
    }

    private async Task DecideAsync(int requestId, int version, string what, Func<ApprovalRequest, CurrentUser, bool> allowed,
        Action<ApprovalRequest, CurrentUser, DateTime> decide, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, requestId, what, ct);
        var request = await db.ApprovalRequests.Include(a => a.Decisions).SingleAsync(a => a.Id == requestId, ct);
        if (request.Version != version) throw await AlreadyDecidedAsync(db, requestId, ct);
        db.Entry(request).Property(a => a.Version).OriginalValue = version;
        var before = (request.State, request.Level);
        var now = time.GetUtcNow().UtcDateTime;
        if (!request.IsPending) throw await AlreadyDecidedAsync(db, requestId, ct);
        if (!allowed(request, user))
        {
            await security.AccessDeniedAsync(user.Actor, nameof(ApprovalRequest), RecordGuard.Key(requestId), what, ct);
            throw new AccessDeniedException("Этот запрос вне ваших полномочий.");
        }
        decide(request, user, now);

        var deal = await db.Deals.SingleAsync(d => d.Id == request.DealId, ct);
        var head = $"сделка № {deal.Id}, {request.Kind.Russian().ToLowerInvariant()} {request.DiscountPercent:0.##} %";
        var last = request.Decisions[^1];
        switch (request.State)
        {
            case ApprovalRequestState.Approved:
                deal.FollowApproval(request, now);
                Notify(db, request.RequesterId, $"Согласовано: {head}", $"{user.FullName}{(last.Comment is null ? "" : ": " + last.Comment)}", request, now);
                break;
            case ApprovalRequestState.Rejected:
                deal.FollowApproval(request, now);
                Notify(db, request.RequesterId, $"Отклонено: {head}", $"{user.FullName}: {last.Comment}", request, now);
                break;
            case ApprovalRequestState.Cancelled:
                deal.FollowApproval(request, now);
                break;
            default:
                var moved = before.Level != request.Level;
                if (request.RequesterId != user.ManagerId)
                    Notify(db, request.RequesterId, moved ? $"Передано: {head} — {request.Level.Russian().ToLowerInvariant()}" : $"Решение по согласованию: {head}",
                        $"{user.FullName}{(last.Comment is null ? "" : ": " + last.Comment)}", request, now);
                await NotifyApproversAsync(db, request, deal.OwnerId, $"{(last.Kind == DecisionKind.Escalate ? "Эскалация" : "Ждёт решения")}: {head}",
                    $"{user.FullName}{(last.Comment is null ? "" : ": " + last.Comment)}", now, ct, except: user.ManagerId);
                break;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await factory.CreateDbContextAsync(ct);
            throw await AlreadyDecidedAsync(fresh, requestId, ct);
        }
    }

    // ---------------------------------------------------------------- settings

    public async Task<ApprovalPolicyInfo> PolicyAsync(CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var p = await PolicyAsync(db, ct);
        return new ApprovalPolicyInfo(p.TeamLeadLimitBasisPoints / 100m, p.HeadLimitBasisPoints / 100m, p.SlaHours, p.UpdatedAt);
    }

    public async Task SavePolicyAsync(decimal teamLeadPercent, decimal headPercent, int slaHours, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (user.Role is not (StaffRole.Head or StaffRole.Admin))
            throw new AccessDeniedException("Матрицу полномочий меняют начальник отдела и администратор.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var policy = await db.ApprovalPolicies.SingleOrDefaultAsync(p => p.Id == ApprovalPolicy.SingletonId, ct);
        if (policy is null) db.ApprovalPolicies.Add(policy = ApprovalPolicy.Default(now));
        policy.Change(teamLeadPercent, headPercent, slaHours, user.ManagerId, now);
        await db.SaveChangesAsync(ct);
    }

    internal static async Task<ApprovalPolicy> PolicyAsync(CrmDbContext db, CancellationToken ct) =>
        await db.ApprovalPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Id == ApprovalPolicy.SingletonId, ct)
        ?? ApprovalPolicy.Default(DateTime.UnixEpoch);

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// Who sees which requests: a manager their own; a team lead the team's; the head and the admin all; an
    /// underwriter only those that involved underwriting.
    /// </summary>
    private static IQueryable<ApprovalRequest> Visible(CrmDbContext db, CurrentUser user)
    {
        var all = db.ApprovalRequests.AsNoTracking();
        if (user.Role == StaffRole.Underwriter) return all.Where(a => a.InvolvesUnderwriting);
        if (user.Role == StaffRole.Manager) return all.Where(a => a.RequesterId == user.ManagerId);
        var visibleDeals = db.Deals.VisibleTo(user, db);
        return user.SeesEverything ? all : all.Where(a => visibleDeals.Any(d => d.Id == a.DealId) || a.RequesterId == user.ManagerId);
    }

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int requestId, string what, CancellationToken ct)
    {
        if (await Visible(db, user).AnyAsync(a => a.Id == requestId, ct)) return;
        if (!await db.ApprovalRequests.AnyAsync(a => a.Id == requestId, ct)) throw new NotFoundException("Запрос на согласование не найден.");
        await security.AccessDeniedAsync(user.Actor, nameof(ApprovalRequest), RecordGuard.Key(requestId), what, ct);
        throw new AccessDeniedException("Этот запрос на согласование вам недоступен.");
    }

    private sealed record RawRow(int Id, int DealId, string ClientName, string ProductName, ApprovalKind Kind, long Base, long Requested,
        int RequesterId, string RequesterName, DateTime CreatedAt, ApprovalLevel Level, ApprovalRequestState State, DateTime LevelSince,
        DateTime? DecidedAt, int? RequesterTeamId);

    private static IQueryable<RawRow> Rows(CrmDbContext db, IQueryable<ApprovalRequest> requests) =>
        from a in requests
        join d in db.Deals on a.DealId equals d.Id
        join c in db.Clients on d.ClientId equals c.Id
        join p in db.Products on d.ProductId equals p.Id
        join m in db.Managers on a.RequesterId equals m.Id
        select new RawRow(a.Id, a.DealId, c.Name, p.Name, a.Kind, a.BasePremiumKopecks, a.RequestedPremiumKopecks, a.RequesterId, m.FullName,
            a.CreatedAt, a.Level, a.State, a.LevelSince, a.DecidedAt, m.TeamId);

    private static ApprovalRow Finish(RawRow r, CurrentUser user, ApprovalPolicy policy, Domain.Calendar.WorkingCalendar calendar, DateTime now)
    {
        var pending = r.State == ApprovalRequestState.Pending;
        var canDecide = pending && ApprovalAuthority.MayDecide(user.ManagerId, user.Role, r.Level, r.RequesterId);
        return new ApprovalRow(r.Id, r.DealId, r.ClientName, r.ProductName, r.Kind, r.Base, r.Requested,
            AuthorityMatrix.DiscountPercent(new Money(r.Base), new Money(r.Requested)), r.RequesterId, r.RequesterName, r.CreatedAt, r.Level,
            r.State, r.LevelSince, r.DecidedAt, canDecide,
            pending && now - r.LevelSince >= policy.Sla && calendar.MinutesBetween(r.LevelSince, now, r.RequesterTeamId) >= policy.Sla.TotalMinutes);
    }

    private static async Task<ClientEvidence> EvidenceAsync(CrmDbContext db, int clientId, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => new { c.Id, c.Name, c.Industry, c.Region, c.Branches })
            .SingleAsync(ct);
        // The same history and potential as the client card and the deal card show.
        var analytics = await Clients.ClientAnalyticsQuery.LoadAsync(db, clientId, ct);
        var years = analytics.PremiumLoss;
        var premiums = years.Sum(y => y.PremiumsKopecks);
        var notBought = analytics.ProductsNotBought;
        var open = await db.Deals.AsNoTracking().Where(d => d.ClientId == clientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .Join(db.Products, d => d.ProductId, p => p.Id, (d, p) => new OpenDealInfo(d.Id, p.Name, d.Stage, d.PremiumKopecks)).ToListAsync(ct);
        var active = await db.Contracts.AsNoTracking().Where(c => c.ClientId == clientId && c.State == ContractState.Active)
            .Select(c => c.PremiumKopecks).ToListAsync(ct);
        return new ClientEvidence(client.Id, client.Name, client.Industry, client.Region, client.Branches, years,
            premiums == 0 ? null : (double)years.Sum(y => y.LossesKopecks) / premiums, notBought, open, active.Sum());
    }

    private static async Task<Dictionary<int, string>> NamesAsync(CrmDbContext db, IEnumerable<int> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.Managers.AsNoTracking().Where(m => list.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
    }

    /// <summary>The people who decide where the request waits now: the deal owner's team lead, the heads, or the underwriters.</summary>
    private static async Task NotifyApproversAsync(CrmDbContext db, ApprovalRequest request, int dealOwnerId, string title, string body,
        DateTime now, CancellationToken ct, int? except = null)
    {
        List<int> to;
        if (request.Level == ApprovalLevel.TeamLead)
        {
            to = await TeamLeads.OfTeamOfAsync(db, dealOwnerId, ct);
        }
        else
        {
            var role = request.Level == ApprovalLevel.Head ? StaffRole.Head : StaffRole.Underwriter;
            to = await db.Managers.Where(m => m.IsActive && m.Role == role).Select(m => m.Id).ToListAsync(ct);
        }
        foreach (var id in to.Where(id => id != except)) Notify(db, id, title, body, request, now);
    }

    private static void Notify(CrmDbContext db, int recipientId, string title, string? body, ApprovalRequest request, DateTime now) =>
        db.Notifications.Add(new Notification(recipientId, NotificationKind.Approval, title, Guard.Fit(body, 1000),
            $"/approvals?id={request.Id}", null, now));

    private static async Task<DomainException> AlreadyDecidedAsync(CrmDbContext db, int requestId, CancellationToken ct)
    {
        var request = await db.ApprovalRequests.AsNoTracking().Include(a => a.Decisions).SingleAsync(a => a.Id == requestId, ct);
        var last = request.Decisions.Where(d => d.Kind != DecisionKind.Comment).OrderBy(d => d.At).ThenBy(d => d.Id).LastOrDefault();
        var who = last?.DeciderId is { } id ? await db.Managers.Where(m => m.Id == id).Select(m => m.FullName).SingleAsync(ct) : "система";
        return new DomainException(request.State switch
        {
            ApprovalRequestState.Approved => new UserText("Запрос уже решён: {0} согласовал(а) его. Ваше решение не записано.", who),
            ApprovalRequestState.Rejected => new UserText("Запрос уже решён: {0} отклонил(а) его. Ваше решение не записано.", who),
            ApprovalRequestState.Cancelled => new UserText("Запрос уже решён: {0} отозвал(а) его. Ваше решение не записано.", who),
            _ => new UserText("Запрос уже решён: {0} передал(а) его на уровень «{1}». Ваше решение не записано.", who, request.Level.Russian()),
        });
    }
}
