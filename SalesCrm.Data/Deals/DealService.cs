using System.Runtime.CompilerServices;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Deals;

/// <summary>
/// Deals: the list, the card and every change made from it. Each method checks on the server that
/// the current user may see (and change) the deal, applies the domain rule, and saves with the
/// deal's version token so that two people never overwrite each other silently.
/// </summary>
public sealed class DealService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time,
    SecurityLog security, CrmOptions options)
{
    private const int TimelineLimit = 200;

    /// <summary>One page of the deals the user may see, filtered and sorted on the server.</summary>
    public async Task<PagedResult<DealRow>> ListAsync(DealListQuery query, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await ListAsync(db, user, query, time.GetUtcNow().UtcDateTime, options, ct);
    }

    /// <summary>The list query itself, on a given context (the benchmark calls this).</summary>
    public static async Task<PagedResult<DealRow>> ListAsync(CrmDbContext db, CurrentUser user, DealListQuery query,
        DateTime now, CrmOptions options, CancellationToken ct)
    {
        var deals = Filtered(db, user, query, now, await StagesForAsync(db, query, ct), options);
        var total = await deals.CountAsync(ct);
        var pageSize = Math.Clamp(query.PageSize, 1, 500);
        var rows = await Rows(db, Sorted(deals, query).Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<DealRow>(rows, total);
    }

    /// <summary>
    /// Every row the list shows for these filters, in its order, streamed (the Excel export): the same query as the
    /// list without the paging, so the file holds exactly what the grid does.
    /// </summary>
    public async IAsyncEnumerable<DealRow> ExportAsync(DealListQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = await StagesForAsync(db, query, ct);
        await foreach (var row in Rows(db, Sorted(Filtered(db, user, query, time.GetUtcNow().UtcDateTime, stages, options), query)).AsAsyncEnumerable().WithCancellation(ct))
            yield return row;
    }

    /// <summary>The stages' thresholds, when the stuck filter needs them.</summary>
    private static async Task<IReadOnlyList<StageInfo>> StagesForAsync(CrmDbContext db, DealListQuery query, CancellationToken ct) =>
        query.StuckOnly ? await StagesAsync(db, ct) : [];

    private static Task<List<StageInfo>> StagesAsync(CrmDbContext db, CancellationToken ct) =>
        db.Stages.AsNoTracking().OrderBy(s => s.Order).Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync(ct);

    private static IQueryable<Deal> Filtered(CrmDbContext db, CurrentUser user, DealListQuery query, DateTime now, IReadOnlyList<StageInfo> stages,
        CrmOptions options)
    {
        var deals = db.Deals.AsNoTracking().VisibleTo(user, db);
        if (query.Stage is { } stage) deals = deals.Where(d => d.Stage == stage);
        if (query.OwnerId is { } owner) deals = deals.Where(d => d.OwnerId == owner);
        if (query.ProductId is { } product) deals = deals.Where(d => d.ProductId == product);
        if (query.ClientId is { } client) deals = deals.Where(d => d.ClientId == client);
        if (query.OpenOnly || query.WithoutNextStep)
            deals = deals.Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost);
        if (query.WithoutNextStep)
            deals = deals.WithoutNextStep(db.Tasks, now);
        if (query.StuckOnly)
            deals = deals.Where(Dashboard.DashboardQueries.StuckPredicate(stages, now));
        if (query.Attention != Dashboard.AttentionFilter.None)
            deals = deals.NeedingAttention(query.Attention, now, options.Today(now), options.Thresholds);
        if (query.TeamId is { } team)
            deals = deals.Where(d => db.Managers.Any(m => m.Id == d.OwnerId && m.TeamId == team));
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim().ToLowerInvariant();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && text.Length < 9)
                deals = deals.Where(d => d.Id == number || d.Client!.Inn!.StartsWith(text));
            else if (text.All(char.IsAsciiDigit))
                deals = deals.Where(d => d.Client!.Inn!.StartsWith(text));
            else
                deals = deals.Where(d => d.Client!.NameLower.Contains(text));
        }
        return deals;
    }

    private static IQueryable<Deal> Sorted(IQueryable<Deal> deals, DealListQuery query)
    {
        var d0 = query.Descending;
        deals = query.Sort switch
        {
            DealSort.Client => d0 ? deals.OrderByDescending(d => d.Client!.NameLower) : deals.OrderBy(d => d.Client!.NameLower),
            DealSort.Product => d0 ? deals.OrderByDescending(d => d.Product!.Name) : deals.OrderBy(d => d.Product!.Name),
            DealSort.Owner => d0 ? deals.OrderByDescending(d => d.Owner!.FullName) : deals.OrderBy(d => d.Owner!.FullName),
            DealSort.Stage => d0 ? deals.OrderByDescending(d => d.Stage) : deals.OrderBy(d => d.Stage),
            DealSort.Premium => d0 ? deals.OrderByDescending(d => d.PremiumKopecks) : deals.OrderBy(d => d.PremiumKopecks),
            DealSort.ExpectedClose => d0 ? deals.OrderByDescending(d => d.ExpectedCloseDate) : deals.OrderBy(d => d.ExpectedCloseDate),
            DealSort.DaysInStage => d0 ? deals.OrderBy(d => d.StageEnteredAt) : deals.OrderByDescending(d => d.StageEnteredAt),
            _ => d0 ? deals.OrderByDescending(d => d.Id) : deals.OrderBy(d => d.Id),
        };
        if (query.Sort != DealSort.Id) deals = ((IOrderedQueryable<Deal>)deals).ThenByDescending(d => d.Id);
        return deals;
    }

    private static IQueryable<DealRow> Rows(CrmDbContext db, IQueryable<Deal> deals) =>
        deals.Select(d => new DealRow(d.Id, d.ClientId, d.Client!.Name, d.Client.Inn, d.Product!.Name, d.OwnerId,
            d.Owner!.FullName, d.Stage, d.PremiumKopecks, d.Probability, d.ExpectedCloseDate, d.StageEnteredAt,
            db.Tasks.Where(t => t.DealId == d.Id && t.Status == TaskState.Open).Min(t => (DateTime?)t.DueAt), d.Version));

    /// <summary>The user's pipeline at a glance: open deals, their premium, and the ones that need attention.</summary>
    public async Task<PipelineSummary> SummaryAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var open = db.Deals.AsNoTracking().VisibleTo(user, db).Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost);
        var totals = await open.GroupBy(_ => 1).Select(g => new
        {
            Count = g.Count(),
            Premium = g.Sum(d => d.PremiumKopecks),
            Weighted = g.Sum(d => d.PremiumKopecks * d.Probability / 100),
        }).FirstOrDefaultAsync(ct);
        var withoutNextStep = await open.WithoutNextStep(db.Tasks, now).CountAsync(ct);
        var stuck = await open.CountAsync(Dashboard.DashboardQueries.StuckPredicate(await StagesAsync(db, ct), now), ct);
        var mine = user.VisibleOwnerIds;
        var overdueTasks = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == TaskState.Open && t.DueAt < now && (mine == null || mine.Contains(t.AssigneeId)))
            .CountAsync(ct);
        return new PipelineSummary(totals?.Count ?? 0, totals?.Premium ?? 0, totals?.Weighted ?? 0, withoutNextStep, stuck, overdueTasks);
    }

    /// <summary>The deal card. Throws <see cref="AccessDeniedException"/> (and logs it) for a deal the user may not see.</summary>
    public async Task<DealCard> GetCardAsync(int dealId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, dealId, "open", ct);
        return await BuildCardAsync(db, user, dealId, ct);
    }

    /// <summary>
    /// Creates a deal for a client the user may see; the owner is the user unless a team lead or head picks one. The next
    /// step (<paramref name="nextStepTitle"/>, <paramref name="nextStepDueAt"/>) becomes the owner's first task in the same
    /// save; with <c>Crm:Quality:EnforceOnSave</c> a deal without one is refused.
    /// </summary>
    public async Task<int> CreateAsync(int clientId, int productId, long premiumKopecks, DateTime expectedCloseDate,
        int? ownerId, string? nextStepTitle = null, DateTime? nextStepDueAt = null, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.Scope.CanWorkDeals) throw new AccessDeniedException("Создавать сделки могут менеджеры и руководители.");
        var owner = ownerId ?? user.ManagerId;
        if (!user.CanSeeOwner(owner)) throw new AccessDeniedException("Этому менеджеру вы не можете назначить сделку.");
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!await db.Clients.VisibleTo(user, db).AnyAsync(c => c.Id == clientId, ct))
            throw new AccessDeniedException("Клиент вам недоступен.");
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.IsActive, ct))
            throw new DomainException("Выберите продукт.", "ProductId");
        if (!await db.Managers.AnyAsync(m => m.Id == owner && m.IsActive, ct))
            throw new DomainException("Менеджер не найден.", "OwnerId");
        var first = await db.Stages.SingleAsync(s => s.Code == StageCode.New, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var deal = new Deal(clientId, productId, owner, new Money(premiumKopecks), expectedCloseDate, first, user.ManagerId, now);
        var nextStep = NextStep(nextStepTitle, nextStepDueAt, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Deals.Add(deal);
        await db.SaveChangesAsync(ct);
        if (nextStep is { } step) db.Tasks.Add(new TaskItem(TaskKind.FollowUp, step.Title, owner, user.ManagerId, step.DueAt, deal.Id, clientId, null, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return deal.Id;
    }

    /// <summary>
    /// The next step a new deal comes with: required when enforcement is on, otherwise taken when given. Shared by the deal
    /// form and lead qualification.
    /// </summary>
    internal static (string Title, DateTime DueAt)? NextStep(CrmOptions options, string? title, DateTime? dueAt, DateTime now) =>
        options.Quality.EnforceOnSave || !string.IsNullOrWhiteSpace(title) || dueAt is not null
            ? Domain.Quality.SaveRules.RequireNextStep(title, dueAt, now)
            : null;

    private (string Title, DateTime DueAt)? NextStep(string? title, DateTime? dueAt, DateTime now) => NextStep(options, title, dueAt, now);

    /// <summary>Moves the deal under the pipeline rules (Lost needs a reason, "Proposal sent" a proposal).</summary>
    /// <remarks>
    /// A move to "Proposal sent" may carry the proposal itself (<paramref name="proposal"/>): it is prepared and
    /// the deal moved in one save, so a refused move leaves no half-made proposal behind.
    /// </remarks>
    public Task<DealCard> MoveStageAsync(int dealId, int expectedVersion, StageCode target, LossReason? reason = null,
        string? lossComment = null, ProposalInput? proposal = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, "move", async (db, deal, user, now) =>
        {
            var stage = await db.Stages.SingleAsync(s => s.Code == target, ct);
            if (target == StageCode.Lost && reason is { } r) await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.LossReason, (int)r, "LossReason", ct);
            if (proposal is not null) deal.PrepareProposal(proposal.ValidUntil, new Money(proposal.PremiumKopecks), now);
            deal.MoveToStage(stage, user.ManagerId, now, reason, lossComment);
        }, ct);

    /// <summary>The terms dialog: premium, expected close and (when given) probability, in one save.</summary>
    public Task<DealCard> UpdateTermsAsync(int dealId, int expectedVersion, long premiumKopecks, DateTime expectedCloseDate,
        int? probability = null, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, "edit", (_, deal, _, now) =>
        {
            deal.UpdateTerms(new Money(premiumKopecks), expectedCloseDate, now, probability);
            return Task.CompletedTask;
        }, ct);

    public Task<DealCard> SetProbabilityAsync(int dealId, int expectedVersion, int percent, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, "edit", (_, deal, _, now) =>
        {
            deal.SetProbability(percent, now);
            return Task.CompletedTask;
        }, ct);

    public Task<DealCard> PrepareProposalAsync(int dealId, int expectedVersion, DateTime validUntil, long premiumKopecks,
        CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, "edit", (_, deal, _, now) =>
        {
            deal.PrepareProposal(validUntil, new Money(premiumKopecks), now);
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// Saves the negotiation notes typed over the texts the user saw. Not tied to the card's version: a colleague's
    /// change of the premium or of the other text does not stop it; a colleague's change of the same text does, with
    /// the current card (both texts are then shown to the user) and nothing written.
    /// </summary>
    public Task<DealCard> SetNegotiationNotesAsync(int dealId, TextEdit strategy, TextEdit agreements, CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "edit", async (db, deal, user, now) =>
        {
            if (!deal.TryEditNotes(strategy, agreements, now)) throw await ConflictAsync(db, user, dealId, ct);
        }, ct);

    /// <summary>
    /// "After the meeting" (escalation workspace): one save records the meeting, the agreements, an optional stage move
    /// and the follow-up tasks for the owner. All of it or nothing: any refused part (a stage the deal cannot go to, a
    /// task in the past) leaves the deal as it was. New follow-ups replace the next steps already overdue (the meeting was
    /// that step), and an owner who was not at the keyboard is told what they now have to do.
    /// </summary>
    public Task<DealCard> AfterMeetingAsync(int dealId, int expectedVersion, AfterMeetingInput input, CancellationToken ct = default) =>
        ChangeAsync(dealId, expectedVersion, "after meeting", async (db, deal, user, now) =>
        {
            if (string.IsNullOrWhiteSpace(input.Summary)) throw new DomainException("Опишите, чем закончилась встреча.", "Summary");
            if (input.FollowUps.Count > 10) throw new DomainException("Не больше десяти задач за раз.", "FollowUps");
            db.Activities.Add(new Activity(ActivityKind.Meeting, now, user.ManagerId, deal.Id, deal.ClientId, null, ActivityDirection.None,
                Math.Clamp(input.DurationMinutes, 0, 24 * 60), "Встреча", input.Summary, ["после встречи"], now));
            deal.TouchActivity(now);
            if (!string.IsNullOrWhiteSpace(input.Agreements)) deal.RecordAgreements(input.Agreements, now);
            if (input.Stage == StageCode.Lost && input.LossReason is { } r)
                await Catalogues.CatalogueService.EnsureOfferedAsync(db, Domain.Catalogues.CatalogueKind.LossReason, (int)r, "LossReason", ct);
            if (input.Stage is { } target && target != deal.Stage)
                deal.MoveToStage(await db.Stages.SingleAsync(s => s.Code == target, ct), user.ManagerId, now, input.LossReason, input.LossComment);
            foreach (var (title, due) in input.FollowUps)
            {
                if (due <= now) throw new DomainException(new UserText("Срок задачи «{0}» уже прошёл.", title), "FollowUps");
                db.Tasks.Add(new TaskItem(TaskKind.FollowUp, title, deal.OwnerId, user.ManagerId, due, deal.Id, deal.ClientId, "После встречи", now));
            }
            if (input.FollowUps.Count == 0) return;
            var overdue = await db.Tasks.Where(t => t.DealId == deal.Id && t.Status == TaskState.Open && t.Kind == TaskKind.FollowUp && t.DueAt <= now)
                .ToListAsync(ct);
            foreach (var old in overdue) old.Complete(now);
            if (deal.OwnerId != user.ManagerId)
                db.Notifications.Add(new Notification(deal.OwnerId, NotificationKind.Task, $"Задачи после встречи по сделке № {deal.Id}",
                    $"{user.FullName}: {string.Join("; ", input.FollowUps.Select(f => f.Title))}", $"/deals/{deal.Id}", null, now));
        }, ct);

    /// <summary>Records a competitor's offer. Additive, so it does not need the caller's version.</summary>
    public Task<DealCard> AddCompetitorOfferAsync(int dealId, string competitor, long premiumKopecks, string? terms,
        CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "edit", async (db, deal, user, now) =>
            deal.AddCompetitorOffer(await Catalogues.CatalogueService.CanonicalCompetitorAsync(db, competitor, ct), new Money(premiumKopecks), terms,
                user.ManagerId, now), ct);

    /// <summary>Logs a call, meeting, e-mail, message or note on the deal (and its client).</summary>
    public Task<DealCard> LogActivityAsync(int dealId, ActivityInput input, CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "log activity", (db, deal, user, now) =>
        {
            var activity = new Activity(input.Kind, input.OccurredAt, user.ManagerId, deal.Id, deal.ClientId, null,
                input.Direction, input.DurationMinutes, input.Outcome, input.Comment, input.Tags, now);
            db.Activities.Add(activity);
            if (activity.IsContact || activity.Kind == ActivityKind.Message) deal.TouchActivity(activity.OccurredAt);
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// "Needs help": the deal's owner escalates to the team lead (a large tender, aggressive objections, a VIP client);
    /// the request is a note in the deal's timeline and the team lead(s) of the owner's team are notified live.
    /// </summary>
    public Task<DealCard> AskForHelpAsync(int dealId, HelpReason reason, string? comment, CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "ask for help", async (db, deal, user, now) =>
        {
            if (!Enum.IsDefined(reason)) throw new DomainException("Выберите, с чем нужна помощь.", "Reason");
            if (deal.IsClosed) throw new DomainException("Сделка закрыта.");
            if (deal.OwnerId != user.ManagerId) throw new AccessDeniedException("Позвать на помощь может ответственный за сделку.");
            var text = HelpReasons.Russian(reason) + (string.IsNullOrWhiteSpace(comment) ? "" : ": " + comment.Trim());
            db.Activities.Add(new Activity(ActivityKind.Note, now, user.ManagerId, deal.Id, deal.ClientId, null, ActivityDirection.None, 0,
                "Нужна помощь руководителя", text, ["нужна помощь"], now));
            var leads = (await TeamLeads.OfTeamOfAsync(db, deal.OwnerId, ct)).Where(id => id != user.ManagerId).ToList();
            if (leads.Count == 0) throw new DomainException("В команде нет старшего менеджера, которому передать запрос.");
            foreach (var lead in leads)
                db.Notifications.Add(new Notification(lead, NotificationKind.Escalation, $"Нужна помощь по сделке № {deal.Id}", $"{user.FullName}: {text}",
                    $"/deals/{deal.Id}", null, now));
        }, ct);

    /// <summary>
    /// Sets the deal's next step: reschedules its nearest open follow-up task, or creates one for the owner.
    /// </summary>
    public Task<DealCard> SetNextStepAsync(int dealId, string title, DateTime dueAt, CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "set next step", async (db, deal, user, now) =>
        {
            if (deal.IsClosed) throw new DomainException("Сделка закрыта: следующий шаг не нужен.");
            var task = await db.Tasks.Where(t => t.DealId == deal.Id && t.Status == TaskState.Open && t.Kind == TaskKind.FollowUp)
                .OrderBy(t => t.DueAt).FirstOrDefaultAsync(ct);
            if (task is null)
                db.Tasks.Add(new TaskItem(TaskKind.FollowUp, title, deal.OwnerId, user.ManagerId, dueAt, deal.Id, deal.ClientId, null, now));
            else
                task.Reschedule(title, dueAt, now);
        }, ct);

    /// <summary>Marks the deal's next-step task done.</summary>
    public Task<DealCard> CompleteTaskAsync(int dealId, int taskId, CancellationToken ct = default) =>
        ChangeAsync(dealId, null, "complete task", async (db, _, _, now) =>
        {
            var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == taskId && t.DealId == dealId, ct)
                       ?? throw new NotFoundException("Задача не найдена.");
            task.Complete(now);
        }, ct);

    /// <summary>
    /// Loads the deal the user may change, checks the version they saw, applies <paramref name="change"/> and saves.
    /// A stale version or a concurrent save raises <see cref="ConcurrencyConflictException"/> with the current card.
    /// </summary>
    private async Task<DealCard> ChangeAsync(int dealId, int? expectedVersion, string what,
        Func<CrmDbContext, Deal, CurrentUser, DateTime, Task> change, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, dealId, what, ct);
        if (!user.Scope.CanWorkDeals)
        {
            await security.AccessDeniedAsync(user.Actor, nameof(Deal), RecordGuard.Key(dealId), what, ct);
            throw new AccessDeniedException("Ваша роль позволяет только просматривать сделки.");
        }
        var deal = await db.Deals.Include(d => d.Participants).SingleAsync(d => d.Id == dealId, ct);
        if (expectedVersion is { } v && deal.Version != v) throw await ConflictAsync(db, user, dealId, ct);
        if (expectedVersion is { } ev) db.Entry(deal).Property(d => d.Version).OriginalValue = ev;
        await change(db, deal, user, time.GetUtcNow().UtcDateTime);
        await RecordGuard.SaveAsync(db, async () =>
        {
            await using var fresh = await factory.CreateDbContextAsync(ct);
            return await ConflictAsync(fresh, user, dealId, ct);
        }, ct);
        return await BuildCardAsync(db, user, dealId, ct);
    }

    private async Task<ConcurrencyConflictException> ConflictAsync(CrmDbContext db, CurrentUser user, int dealId, CancellationToken ct) =>
        new(await BuildCardAsync(db, user, dealId, ct), await RecordGuard.RecentChangesAsync(db, nameof(Deal), dealId, ct));

    private Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int dealId, string what, CancellationToken ct) =>
        RecordGuard.EnsureVisibleAsync(db.Deals.VisibleTo(user, db), db.Deals, d => d.Id == dealId, security, user, nameof(Deal),
            dealId, what, "Эта сделка принадлежит другому менеджеру — у вас нет к ней доступа.", "Сделка не найдена.", ct);

    private async Task<DealCard> BuildCardAsync(CrmDbContext db, CurrentUser user, int dealId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var deal = await db.Deals.AsNoTracking()
            .Include(d => d.Client).Include(d => d.Product).Include(d => d.Owner)
            .Include(d => d.CompetitorOffers).Include(d => d.Participants)
            .AsSplitQuery()
            .SingleAsync(d => d.Id == dealId, ct);
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.Order)
            .Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync(ct);
        var stage = stages.Single(s => s.Code == deal.Stage);
        var nextTask = await db.Tasks.AsNoTracking().OpenSteps().Where(t => t.DealId == dealId)
            .OrderBy(t => t.DueAt).FirstOrDefaultAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.ClientId == deal.ClientId && c.Phone != null)
            .OrderByDescending(c => c.IsDecisionMaker).ThenBy(c => c.FullName)
            .Select(c => new DealPhone(Integrations.PhoneOwner.Contact, c.Id, c.FullName, c.Position, c.Phone!, c.IsDecisionMaker)).ToListAsync(ct);
        var participantIds = deal.Participants.Select(p => p.ManagerId).ToList();
        var participants = await db.Managers.AsNoTracking().Where(m => participantIds.Contains(m.Id))
            .Select(m => new NamedRef(m.Id, m.FullName)).ToListAsync(ct);
        var daysInStage = (int)Math.Floor((now - deal.StageEnteredAt).TotalDays);
        var canEdit = user.Scope.CanWorkDeals && !deal.IsClosed;
        var moves = canEdit
            ? deal.ReachableStages().Select(code => new StageMove(code, stages.Single(s => s.Code == code).Name,
                code.Asks(hasProposal: deal.Proposal is not null), BlockedReason(deal, code))).ToList()
            : [];

        return new DealCard
        {
            Id = deal.Id,
            Version = deal.Version,
            Client = new NamedRef(deal.ClientId, deal.Client!.Name),
            ClientAnalytics = await Clients.ClientAnalyticsQuery.LoadAsync(db, deal.ClientId, ct),
            ClientInn = deal.Client.Inn,
            ClientRisk = deal.Client.Risk,
            Product = new NamedRef(deal.ProductId, deal.Product!.Name),
            Owner = new NamedRef(deal.OwnerId, deal.Owner!.FullName),
            Stage = deal.Stage,
            StageName = stage.Name,
            StageEnteredAt = deal.StageEnteredAt,
            DaysInStage = daysInStage,
            IsStuck = !deal.IsClosed && daysInStage > stage.StuckAfterDays,
            PremiumKopecks = deal.PremiumKopecks,
            Probability = deal.Probability,
            ExpectedCloseDate = deal.ExpectedCloseDate,
            CreatedAt = deal.CreatedAt,
            ClosedAt = deal.ClosedAt,
            LastActivityAt = deal.LastActivityAt,
            Proposal = deal.Proposal is { } p ? new ProposalInfo(p.SentAt, p.ValidUntil, p.PremiumKopecks) : null,
            ApprovalState = deal.ApprovalState,
            LossReason = deal.LossReason,
            LossComment = deal.LossComment,
            NegotiationStrategy = deal.NegotiationStrategy,
            Agreements = deal.Agreements,
            NextStep = nextTask is null ? null : new NextStepInfo(nextTask.Id, nextTask.Title, nextTask.DueAt, nextTask.DueAt < now),
            Phones = deal.Client.Phone is { Length: > 0 } clientPhone
                ? [new DealPhone(Integrations.PhoneOwner.Client, deal.ClientId, deal.Client.Name, null, clientPhone, false), .. contacts]
                : contacts,
            CompetitorOffers = deal.CompetitorOffers.OrderByDescending(o => o.RecordedAt)
                .Select(o => new CompetitorOfferInfo(o.Id, o.Competitor, o.PremiumKopecks, o.Terms, o.RecordedAt)).ToList(),
            Participants = participants,
            Moves = moves,
            Stages = stages,
            Timeline = await Timeline.ForDealAsync(db, dealId, TimelineLimit, ct),
            CanEdit = canEdit,
        };
    }

    /// <summary>Why the move cannot happen at all now; input the move dialog asks for (reason, proposal) is not a block.</summary>
    private static string? BlockedReason(Deal deal, StageCode code) =>
        code == StageCode.Lost || (code.RequiresProposal() && deal.Proposal is null && deal.ApprovalState != ApprovalState.Pending)
            ? null // the move asks for what is missing (loss reason, proposal) in a dialog
            : deal.WhyCannotMoveTo(code);
}
