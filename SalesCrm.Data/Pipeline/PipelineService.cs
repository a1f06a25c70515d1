using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Pipeline;

/// <summary>
/// The pipeline board: a manager sees the own deals, a team lead the team's (with an owner filter), the head
/// any team or all. Columns and their totals come from the database; moves go through <see cref="Deals.DealService"/>,
/// so the stage rules, the audit and the version check are exactly those of the deal card.
/// </summary>
public sealed class PipelineService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time,
    CrmOptions options, LookupService lookups, ISharedResults shared)
{
    /// <summary>The cards of a column loaded at first: a board refreshes on every change of its owners, so it reads a page, not all.</summary>
    public const int CardsPerColumn = 100;

    /// <summary>More cards than this in one column are not loaded, however far the user pages; the column header still counts them all.</summary>
    public const int MaxCardsPerColumn = 2000;

    /// <summary>
    /// The board for the user and filters. The columns are computed once for every open board with the same view — the
    /// head's boards share one, each other user's tabs share theirs (what a user sees is their own) — until a change of
    /// the owners it shows (<see cref="ISharedResults"/>).
    /// </summary>
    public async Task<PipelineBoardData> LoadAsync(PipelineFilter filter, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (filter.TeamId is { } asked && !user.SeesEverything && asked != user.TeamId) throw new AccessDeniedException("Можно смотреть только свою команду.");
        if (filter.OwnerId is { } owner && !user.CanSeeOwner(owner)) throw new AccessDeniedException("Сделки этого менеджера вам недоступны.");
        var viewer = user.SeesEverything ? "all" : $"user:{user.ManagerId}";
        filter = filter with { Cards = Math.Clamp(filter.Cards, 1, MaxCardsPerColumn) };
        var key = $"pipeline:{viewer}:{filter.TeamId}:{filter.OwnerId}:{filter.ProductId}:{(int)filter.Signal}:{filter.Text}:{filter.Cards}";
        IReadOnlyList<int>? watched = filter.OwnerId is { } one ? [one] : filter.TeamId is null ? user.VisibleOwnerIds : null;
        // Kept as the dashboard's figures are (DashboardService.ClockAge): days in stage and overdue next steps move with the clock.
        return await shared.GetAsync(key, new SharedScope(watched, MaxAge: DashboardService.ClockAge,
                Follow: filter.Signal == DealSignal.None ? change => Follow(user, filter, change) : null),
            c => ComputeAsync(user, filter, c), ct);
    }

    /// <summary>
    /// How a board follows a change instead of being read again (decision 0017): a move between open stages re-reads the
    /// columns' totals and moves its card; a task's change re-reads the card of its deal when the board shows it. A board
    /// filtered by a signal, and any other change, is read again.
    /// </summary>
    private FollowStep? Follow(CurrentUser user, PipelineFilter filter, SharedChange change) => change switch
    {
        { Move: { BetweenOpenStages: true } move } => async (before, ct) => await FollowMoveAsync(user, filter, (PipelineBoardData)before, move, ct),
        { Kind: nameof(TaskChanged), DealId: { } deal } => async (before, ct) => await FollowCardAsync(user, filter, (PipelineBoardData)before, deal, ct),
        _ => null,
    };

    private async Task<PipelineBoardData> FollowMoveAsync(CurrentUser user, PipelineFilter filter, PipelineBoardData before, DealMove move,
        CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = (await lookups.StagesAsync(ct)).Where(s => !s.Code.IsClosed()).ToList();
        var (deals, _) = await ScopeAsync(db, user, filter, ct);
        deals = Filter(db, deals, filter, stages, before.LoadedAt);
        var totals = await TotalsAsync(deals, ct);
        var moved = before.Columns.SelectMany(c => c.Cards).FirstOrDefault(c => c.DealId == move.DealId);
        var columns = new List<KanbanColumn>();
        foreach (var column in before.Columns)
        {
            totals.TryGetValue(column.Stage, out var t);
            var (cards, allShown) = (column.Cards, column.AllShown);
            // The card leaves its column; when the column showed only its first cards, the next one moves up (read again).
            if (column.Stage != move.To && cards.Any(c => c.DealId == move.DealId))
            {
                if (allShown) cards = [.. cards.Where(c => c.DealId != move.DealId)];
                else
                {
                    cards = (await CardsAsync(db, [deals.Where(d => d.Stage == column.Stage)], stages, before.LoadedAt, filter.Cards, ct))[0];
                    allShown = cards.Count >= t.Count;
                }
            }
            // It enters the new one last (the newest in the stage), seen when the column showed all its cards and has room.
            if (column.Stage == move.To && allShown && cards.Count >= filter.Cards) allShown = false;
            else if (column.Stage == move.To && allShown)
            {
                var card = moved is null
                    ? (await CardsAsync(db, [deals.Where(d => d.Id == move.DealId)], stages, before.LoadedAt, 1, ct))[0].FirstOrDefault()
                    : moved with
                    {
                        Stage = move.To, StageEnteredAt = move.At, DaysInStage = PipelineFigures.DaysInStage(move.At, before.LoadedAt),
                        Probability = move.ToProbability, Version = move.Version, Signals = moved.Signals & ~DealSignal.Stuck,
                    };
                if (card is not null) cards = [.. cards.Where(c => c.DealId != card.DealId).Append(card).OrderBy(c => c.StageEnteredAt).ThenBy(c => c.DealId)];
            }
            columns.Add(column with { Count = t.Count, PremiumKopecks = t.Premium, WeightedKopecks = t.Weighted / 100, Cards = cards, AllShown = allShown });
        }
        return before with { Columns = columns };
    }

    private async Task<PipelineBoardData> FollowCardAsync(CurrentUser user, PipelineFilter filter, PipelineBoardData before, int dealId, CancellationToken ct)
    {
        if (!before.Columns.Any(c => c.Cards.Any(d => d.DealId == dealId))) return before;
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = (await lookups.StagesAsync(ct)).Where(s => !s.Code.IsClosed()).ToList();
        var (deals, _) = await ScopeAsync(db, user, filter, ct);
        var card = (await CardsAsync(db, [Filter(db, deals, filter, stages, before.LoadedAt).Where(d => d.Id == dealId)], stages, before.LoadedAt, 1, ct))[0]
            .FirstOrDefault();
        if (card is null) return await ComputeAsync(user, filter, ct);
        return before with { Columns = [.. before.Columns.Select(c => c with { Cards = [.. c.Cards.Select(d => d.DealId == dealId ? card : d)] })] };
    }

    private static async Task<Dictionary<StageCode, (int Count, long Premium, long Weighted)>> TotalsAsync(IQueryable<Deal> deals, CancellationToken ct) =>
        (await deals.GroupBy(d => d.Stage)
            .Select(g => new { Stage = g.Key, Count = g.Count(), Premium = g.Sum(d => d.PremiumKopecks), Weighted = g.Sum(d => d.PremiumKopecks * d.Probability) })
            .ToListAsync(ct))
        .ToDictionary(x => x.Stage, x => (x.Count, x.Premium, x.Weighted));

    private async Task<PipelineBoardData> ComputeAsync(CurrentUser user, PipelineFilter filter, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var stages = (await lookups.StagesAsync(ct)).Where(s => !s.Code.IsClosed()).ToList();
        var (deals, teamId) = await ScopeAsync(db, user, filter, ct);
        deals = Filter(db, deals, filter, stages, now);

        var totals = await TotalsAsync(deals, ct);

        var shown = stages.Where(s => totals.ContainsKey(s.Code)).ToList();
        var cards = await CardsAsync(db, shown.Select(stage => deals.Where(d => d.Stage == stage.Code)).ToList(), stages, now, filter.Cards, ct);
        var columns = new List<KanbanColumn>();
        foreach (var stage in stages)
        {
            var index = shown.IndexOf(stage);
            totals.TryGetValue(stage.Code, out var t);
            var shownCards = index >= 0 ? cards[index] : [];
            columns.Add(new KanbanColumn(stage.Code, stage.Name, stage.Probability, stage.StuckAfterDays, t.Count, t.Premium, t.Weighted / 100,
                shownCards, shownCards.Count >= t.Count));
        }

        var owners = await lookups.VisibleManagersAsync(ct);
        if (teamId is { } team) owners = owners.Where(o => o.TeamId == team).ToList();
        IReadOnlyList<TeamOption> teams = user.SeesEverything
            ? [new TeamOption(null, "Все команды"), .. await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamOption(t.Id, t.Name)).ToListAsync(ct)]
            : [];
        return new PipelineBoardData(columns, owners, teams, teamId, now);
    }

    /// <summary>One card as the board shows it, or null when the user may not see it or it is no longer open.</summary>
    public async Task<KanbanCard?> CardAsync(int dealId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stages = (await lookups.StagesAsync(ct)).Where(s => !s.Code.IsClosed()).ToList();
        var deals = db.Deals.AsNoTracking().VisibleTo(user, db).Where(d => d.Id == dealId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost);
        return (await CardsAsync(db, [deals], stages, time.GetUtcNow().UtcDateTime, 1, ct))[0].FirstOrDefault();
    }

    private async Task<(IQueryable<Deal> Deals, int? TeamId)> ScopeAsync(CrmDbContext db, CurrentUser user, PipelineFilter filter,
        CancellationToken ct)
    {
        var deals = db.Deals.AsNoTracking().VisibleTo(user, db).Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost);
        int? teamId = user.Role == StaffRole.TeamLead ? user.TeamId : null;
        if (filter.TeamId is { } team)
        {
            if (!user.SeesEverything && team != user.TeamId) throw new AccessDeniedException("Можно смотреть только свою команду.");
            var members = await db.Managers.AsNoTracking().Where(m => m.TeamId == team).Select(m => m.Id).ToListAsync(ct);
            deals = deals.Where(d => members.Contains(d.OwnerId));
            teamId = team;
        }
        if (filter.OwnerId is { } owner)
        {
            if (!user.CanSeeOwner(owner)) throw new AccessDeniedException("Сделки этого менеджера вам недоступны.");
            deals = deals.Where(d => d.OwnerId == owner);
        }
        return (deals, teamId);
    }

    private IQueryable<Deal> Filter(CrmDbContext db, IQueryable<Deal> deals, PipelineFilter filter, IReadOnlyList<StageInfo> stages, DateTime now)
    {
        if (filter.ProductId is { } product) deals = deals.Where(d => d.ProductId == product);
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim().ToLowerInvariant();
            deals = int.TryParse(text, out var number) && text.Length < 9
                ? deals.Where(d => d.Id == number || d.Client!.Inn!.StartsWith(text))
                : text.All(char.IsAsciiDigit) ? deals.Where(d => d.Client!.Inn!.StartsWith(text)) : deals.Where(d => d.Client!.NameLower.Contains(text));
        }
        var expiring = ProposalExpiry.Window(options.Today(now), options.Thresholds.ProposalExpiringDays);
        if (filter.Signal.HasFlag(DealSignal.Stuck)) deals = deals.Where(DashboardQueries.StuckPredicate(stages, now));
        if (filter.Signal.HasFlag(DealSignal.NoNextStep))
            deals = deals.WithoutNextStep(db.Tasks, now);
        if (filter.Signal.HasFlag(DealSignal.ProposalExpiring))
            deals = deals.Where(d => d.Proposal != null && d.Proposal.ValidUntil >= expiring.From && d.Proposal.ValidUntil < expiring.Before);
        if (filter.Signal.HasFlag(DealSignal.PendingApproval)) deals = deals.Where(d => d.ApprovalState == ApprovalState.Pending);
        if (filter.Signal.HasFlag(DealSignal.HighRiskClient)) deals = deals.Where(d => d.Client!.Risk == RiskLevel.High);
        return deals;
    }

    private sealed record CardRow(int Id, int Version, int ClientId, string Client, string Product, long PremiumKopecks, int Probability, int OwnerId,
        string Owner, StageCode Stage, DateTime StageEnteredAt, DateTime? ValidUntil, ApprovalState ApprovalState, RiskLevel Risk, DateTime ExpectedCloseDate);

    private sealed record StepRow(int DealId, string Title, DateTime DueAt, int Id);

    /// <summary>The first <paramref name="take"/> cards of each column (one read per column), and their next steps in one read for all.</summary>
    private async Task<List<List<KanbanCard>>> CardsAsync(CrmDbContext db, IReadOnlyList<IQueryable<Deal>> columns, IReadOnlyList<StageInfo> stages,
        DateTime now, int take, CancellationToken ct)
    {
        var columnRows = new List<List<CardRow>>();
        foreach (var deals in columns)
            columnRows.Add(await deals.OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Take(take)
                .Select(d => new CardRow(d.Id, d.Version, d.ClientId, d.Client!.Name, d.Product!.Name, d.PremiumKopecks, d.Probability, d.OwnerId,
                    d.Owner!.FullName, d.Stage, d.StageEnteredAt, d.Proposal != null ? d.Proposal.ValidUntil : (DateTime?)null, d.ApprovalState, d.Client.Risk,
                    d.ExpectedCloseDate))
                .ToListAsync(ct));
        // The next steps of all these cards in one indexed read (DealId, Status, DueAt), the earliest per deal picked here: a
        // per-card subquery compiled into a window function over every open task, per column (docs/benchmarks.md).
        // (In reads of 1,000 cards at most: SQL Server takes about 2,100 parameters per command.)
        var steps = new List<StepRow>();
        foreach (var chunk in columnRows.SelectMany(rows => rows).Select(r => (int?)r.Id).Chunk(1000))
            steps.AddRange(await db.Tasks.AsNoTracking().OpenSteps().Where(t => chunk.Contains(t.DealId))
                .Select(t => new StepRow(t.DealId!.Value, t.Title, t.DueAt, t.Id)).ToListAsync(ct));
        var next = steps.GroupBy(s => s.DealId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.DueAt).ThenBy(s => s.Id).First());
        var thresholds = stages.ToDictionary(s => s.Code, s => s.StuckAfterDays);
        var today = options.Today(now);
        return [.. columnRows.Select(rows => rows.Select(r =>
        {
            var signals = DealSignal.None;
            if (PipelineFigures.IsStuck(r.Stage, r.StageEnteredAt, thresholds.GetValueOrDefault(r.Stage), now)) signals |= DealSignal.Stuck;
            var step = next.GetValueOrDefault(r.Id);
            if (step is null || step.DueAt <= now) signals |= DealSignal.NoNextStep;
            if (r.ValidUntil is { } v && ProposalExpiry.IsExpiring(v, today, options.Thresholds.ProposalExpiringDays)) signals |= DealSignal.ProposalExpiring;
            if (r.ApprovalState == ApprovalState.Pending) signals |= DealSignal.PendingApproval;
            if (r.Risk == RiskLevel.High) signals |= DealSignal.HighRiskClient;
            return new KanbanCard(r.Id, r.Version, r.ClientId, r.Client, r.Product, r.PremiumKopecks, r.Probability, r.OwnerId, r.Owner,
                r.Stage, r.StageEnteredAt, PipelineFigures.DaysInStage(r.StageEnteredAt, now), step?.Title, step?.DueAt, r.ValidUntil,
                r.ValidUntil is not null, r.ApprovalState, r.Risk, signals, r.ExpectedCloseDate);
        }).ToList())];
    }
}
