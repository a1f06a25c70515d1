using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Coaching;

/// <summary>
/// Coaching (docs/features.md): the scorecard of every manager of a team against the team average and their own
/// previous period, the trend, call recordings, examples to learn from, development tasks and the team lead's
/// recommendations. The figures are <see cref="Scorecard"/>'s; this service fetches the facts once per window and checks
/// who may see whom: the team lead their team, the head and the admin everybody, a manager only their own page.
/// </summary>
public sealed class CoachingService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    SecurityLog security, Calendar.WorkingCalendarSource calendars)
{
    public const int TrendMonths = 6;
    private const int ListLimit = 50;

    /// <summary>
    /// The team's cards: each manager's figures for the period, its like-for-like baseline (the period before, cut to the
    /// days this one has had: <see cref="PeriodComparison"/>) and the team average.
    /// </summary>
    public async Task<TeamCoaching> TeamAsync(int? teamId, ReportingPeriod period, CancellationToken ct = default)
    {
        var user = await RequireCoachAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var (team, sellers) = await TeamOfAsync(db, user, teamId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var previous = PeriodComparison.Of(period, now, options.TimeZone).Baseline;
        var facts = await FactsAsync(db, sellers.Select(s => s.Id).ToList(), previous.FromUtc, period.ToUtc, ct);
        var calendar = await calendars.CurrentAsync(ct);
        var cards = sellers.Select(s => new ManagerScore(s, Compute(calendar, team.Id, s.Id, facts, period, now), Compute(calendar, team.Id, s.Id, facts, previous, now))).ToList();
        return new TeamCoaching(team.Id, team.Name, period, previous, cards, Scorecard.Average(cards.Select(c => c.Current).ToList()),
            Scorecard.Average(cards.Select(c => c.Previous).ToList()));
    }

    /// <summary>One manager's page.</summary>
    public async Task<ManagerCoaching> ManagerAsync(int managerId, ReportingPeriod period, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var manager = await RequireVisibleManagerAsync(db, user, managerId, "open", ct, selfAllowed: true);
        var teamId = manager.TeamId ?? throw new NotFoundException("Менеджер не состоит в команде.");
        var teamName = await db.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => t.Name).SingleAsync(ct);
        var team = await Sellers(db, teamId).Select(m => m.Id).ToListAsync(ct);
        List<int> ids = team.Contains(manager.Id) ? team : [.. team, manager.Id];

        var now = time.GetUtcNow().UtcDateTime;
        var zone = options.TimeZone;
        var previous = PeriodComparison.Of(period, now, zone).Baseline;
        // The trend: the last six calendar months up to the period's last month.
        var trendMonths = Enumerable.Range(0, TrendMonths).Reverse()
            .Select(i => period.LastDay.AddMonths(-i)).Select(d => ReportingPeriod.Month(d.Year, d.Month, zone)).ToList();
        var from = new[] { previous.FromUtc, trendMonths[0].FromUtc }.Min();
        var facts = await FactsAsync(db, ids, from, period.ToUtc, ct);

        var calendar = await calendars.CurrentAsync(ct);
        var teamCurrent = team.Select(id => Compute(calendar, teamId, id, facts, period, now)).ToList();
        var names = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        var recordings = await db.Activities.AsNoTracking()
            .Where(a => a.AuthorId == managerId && a.Kind == ActivityKind.Call && a.RecordingUrl != null && !a.IsMissed
                        && a.OccurredAt >= period.FromUtc && a.OccurredAt < period.ToUtc)
            .OrderByDescending(a => a.OccurredAt).Take(ListLimit)
            .Select(a => new CallRecording(a.Id, a.OccurredAt, a.Direction, a.DurationMinutes, a.RecordingUrl!, a.Comment, a.DealId,
                a.ClientId, db.Clients.Where(c => c.Id == a.ClientId).Select(c => c.Name).FirstOrDefault(), a.Tags))
            .ToListAsync(ct);
        var development = await db.Tasks.AsNoTracking()
            .Where(t => t.AssigneeId == managerId && t.Kind == TaskKind.Development && t.Status != TaskState.Cancelled)
            .OrderBy(t => t.Status).ThenBy(t => t.DueAt).Take(ListLimit)
            .Select(t => new DevelopmentTask(t.Id, t.Title, t.Comment, t.DueAt, t.Status, t.CompletedAt, t.AuthorId))
            .ToListAsync(ct);
        var notes = await db.CoachingNotes.AsNoTracking().Where(n => n.ManagerId == managerId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(ListLimit)
            .Select(n => new CoachingNoteInfo(n.Id, n.Text, n.CreatedAt, n.AuthorId)).ToListAsync(ct);

        return new ManagerCoaching
        {
            ManagerId = manager.Id,
            FullName = manager.FullName,
            Email = manager.Email,
            Experience = manager.Experience,
            HiredOn = manager.HiredOn,
            TeamId = teamId,
            TeamName = teamName,
            Period = period,
            PreviousPeriod = previous,
            Current = Compute(calendar, teamId, managerId, facts, period, now),
            Previous = Compute(calendar, teamId, managerId, facts, previous, now),
            TeamAverage = Scorecard.Average(teamCurrent),
            Trend = trendMonths.Select(m => new TrendPoint(m, Compute(calendar, teamId, managerId, facts, m, now),
                Scorecard.Average(team.Select(id => Compute(calendar, teamId, id, facts, m, now)).ToList()))).ToList(),
            Recordings = recordings,
            DevelopmentTasks = development.Select(d => d with { AuthorName = names.GetValueOrDefault(d.AuthorId, "?") }).ToList(),
            Notes = notes.Select(n => n with { AuthorName = names.GetValueOrDefault(n.AuthorId, "?") }).ToList(),
            CanCoach = user.LeadsSales && user.ManagerId != managerId,
        };
    }

    /// <summary>
    /// "Find examples": won deals of complex products and activities tagged "objection handled" or "success story",
    /// across the coach's team (the head: all or one team), filterable by product and industry, newest first.
    /// </summary>
    public async Task<CoachingExamples> ExamplesAsync(int? teamId, int? productId, string? industry, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        IReadOnlyList<int>? owners;
        if (user.SeesEverything)
            owners = teamId is null ? null : await Sellers(db, teamId.Value).Select(m => m.Id).ToListAsync(ct);
        else if (user.TeamId is { } own && (user.LeadsSales || user.Role == StaffRole.Manager))
            owners = await Sellers(db, own).Select(m => m.Id).ToListAsync(ct);
        else
            throw new AccessDeniedException("Примеры доступны участникам команды.");
        industry = string.IsNullOrWhiteSpace(industry) ? null : industry.Trim();
        // A manager sees their own examples and what the team lead shared with the team; nothing else of colleagues' work.
        var managerOnly = user.Role == StaffRole.Manager;
        var me = user.ManagerId;
        var shareTeam = user.SeesEverything ? teamId : user.TeamId;
        var sharedDeals = db.SharedExamples.Where(e => e.DealId != null && (shareTeam == null || e.TeamId == shareTeam)).Select(e => e.DealId!.Value);
        var sharedActivities = db.SharedExamples.Where(e => e.ActivityId != null && (shareTeam == null || e.TeamId == shareTeam)).Select(e => e.ActivityId!.Value);

        var deals = await (from d in db.Deals.AsNoTracking()
                           join p in db.Products on d.ProductId equals p.Id
                           join c in db.Clients on d.ClientId equals c.Id
                           join m in db.Managers on d.OwnerId equals m.Id
                           where d.Stage == StageCode.Won && p.IsComplex && (owners == null || owners.Contains(d.OwnerId))
                                 && (!managerOnly || d.OwnerId == me || sharedDeals.Contains(d.Id))
                                 && (productId == null || d.ProductId == productId) && (industry == null || c.Industry == industry)
                           orderby d.ClosedAt descending
                           select new WonExample(d.Id, c.Id, c.Name, c.Industry, p.Name, d.PremiumKopecks, d.ClosedAt!.Value, m.FullName,
                               d.NegotiationStrategy, d.Agreements, sharedDeals.Contains(d.Id), !managerOnly || d.OwnerId == me))
            .Take(ListLimit).ToListAsync(ct);

        var objection = ActivityTags.ObjectionHandled;
        var success = ActivityTags.SuccessStory;
        var activities = await (from a in db.Activities.AsNoTracking()
                                join d in db.Deals on a.DealId equals d.Id into ds
                                from d in ds.DefaultIfEmpty()
                                join c in db.Clients on a.ClientId equals c.Id into cs
                                from c in cs.DefaultIfEmpty()
                                join m in db.Managers on a.AuthorId equals m.Id
                                where (a.Tags.Contains(objection) || a.Tags.Contains(success)) && (owners == null || owners.Contains(a.AuthorId))
                                      && (!managerOnly || a.AuthorId == me || sharedActivities.Contains(a.Id))
                                      && (productId == null || (d != null && d.ProductId == productId))
                                      && (industry == null || (c != null && c.Industry == industry))
                                orderby a.OccurredAt descending
                                select new ActivityExample(a.Id, a.Kind, a.OccurredAt, m.FullName, a.Comment, a.Tags, a.DealId, a.ClientId,
                                    c != null ? c.Name : null, a.RecordingUrl, sharedActivities.Contains(a.Id), !managerOnly || a.AuthorId == me))
            .Take(ListLimit).ToListAsync(ct);
        return new CoachingExamples(deals, activities, user.LeadsSales && shareTeam is not null, shareTeam);
    }

    /// <summary>
    /// The team lead (or the head, for a team) shows an example to the team's managers, or takes it back. Only the team's own
    /// won deals and tagged activities can be shared.
    /// </summary>
    public async Task ShareExampleAsync(int teamId, int? dealId, int? activityId, bool shared, CancellationToken ct = default)
    {
        var user = await users.RequireRoleAsync(security, u => u.LeadsSales, "SharedExample", "share", "Делиться примерами может руководитель продаж.", ct);
        if (!user.SeesEverything && user.TeamId != teamId) throw new AccessDeniedException("Это другая команда.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await Sellers(db, teamId).Select(m => m.Id).ToListAsync(ct);
        var ours = dealId is { } d
            ? await db.Deals.AnyAsync(x => x.Id == d && x.Stage == StageCode.Won && team.Contains(x.OwnerId), ct)
            : activityId is { } a && await db.Activities.AnyAsync(x => x.Id == a && team.Contains(x.AuthorId), ct);
        if (!ours) throw new AccessDeniedException("Это не пример этой команды.");
        var existing = await db.SharedExamples.SingleOrDefaultAsync(e => e.TeamId == teamId && e.DealId == dealId && e.ActivityId == activityId, ct);
        if (shared && existing is null) db.SharedExamples.Add(new SharedExample(teamId, dealId, activityId, user.ManagerId, time.GetUtcNow().UtcDateTime));
        else if (!shared && existing is not null) db.SharedExamples.Remove(existing);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The team lead writes a recommendation; the manager is told.</summary>
    public async Task<int> AddNoteAsync(int managerId, string text, CancellationToken ct = default)
    {
        var user = await RequireCoachAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RequireVisibleManagerAsync(db, user, managerId, "recommend", ct);
        var now = time.GetUtcNow().UtcDateTime;
        var note = new CoachingNote(managerId, user.ManagerId, text, now);
        db.CoachingNotes.Add(note);
        db.Notifications.Add(new Notification(managerId, NotificationKind.Task, $"{user.FullName}: новая рекомендация",
            Guard.Fit(note.Text, 200), $"/team/{managerId}", null, now));
        await db.SaveChangesAsync(ct);
        return note.Id;
    }

    /// <summary>A development task (kind "development") for the manager, with a due date; the manager is told.</summary>
    public async Task<int> AddDevelopmentTaskAsync(int managerId, string title, DateTime dueAt, string? comment, CancellationToken ct = default)
    {
        var user = await RequireCoachAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RequireVisibleManagerAsync(db, user, managerId, "development task", ct);
        var now = time.GetUtcNow().UtcDateTime;
        var task = new TaskItem(TaskKind.Development, title, managerId, user.ManagerId, dueAt, null, null, comment, now);
        db.Tasks.Add(task);
        db.Notifications.Add(new Notification(managerId, NotificationKind.Task, $"Задача на развитие: {task.Title}",
            $"{user.FullName}, срок {TimeZoneInfo.ConvertTimeFromUtc(task.DueAt, options.TimeZone):dd.MM.yyyy}", $"/team/{managerId}", null, now));
        await db.SaveChangesAsync(ct);
        return task.Id;
    }

    /// <summary>The manager (or the coach) marks a development task done.</summary>
    public async Task CompleteDevelopmentTaskAsync(int taskId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var task = await db.Tasks.SingleOrDefaultAsync(t => t.Id == taskId && t.Kind == TaskKind.Development, ct)
                   ?? throw new NotFoundException("Задача не найдена.");
        await RequireVisibleManagerAsync(db, user, task.AssigneeId, "complete development task", ct, selfAllowed: true);
        task.Complete(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The teams the user may pick on /team (the head and the admin: every team).</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> TeamsAsync(CancellationToken ct = default)
    {
        var user = await RequireCoachAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Dashboard.DashboardQueries.TeamsOfAsync(db, user, ct);
    }

    /// <summary>The industries of the clients, for the examples' filter.</summary>
    public async Task<IReadOnlyList<string>> IndustriesAsync(CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Clients.AsNoTracking().Where(c => c.Industry != "").Select(c => c.Industry).Distinct().OrderBy(i => i).ToListAsync(ct);
    }

    private ScorecardFigures Compute(Domain.Calendar.WorkingCalendar calendar, int? teamId, int managerId, ScorecardFacts facts, ReportingPeriod period,
        DateTime now) =>
        Scorecard.Compute(managerId, facts, period, now, (from, to) => calendar.MinutesBetween(from, to, teamId),
            options.Thresholds.ResponseTargetMinutes);

    /// <summary>Every fact the scorecards of <paramref name="ids"/> need between two moments, each in one query.</summary>
    internal static async Task<ScorecardFacts> FactsAsync(CrmDbContext db, IReadOnlyList<int> ids, DateTime since, DateTime until, CancellationToken ct)
    {
        var closed = await db.Deals.AsNoTracking()
            .Where(d => ids.Contains(d.OwnerId) && (d.Stage == StageCode.Won || d.Stage == StageCode.Lost) && d.ClosedAt >= since && d.ClosedAt < until)
            .Select(d => new ClosedDealFact(d.OwnerId, d.CreatedAt, d.ClosedAt!.Value, d.Stage == StageCode.Won, d.LossReason, d.PremiumKopecks))
            .ToListAsync(ct);
        // Every arrival at "Proposal sent" of the managers' deals up to the window's end: the scorecard keeps each deal's
        // first one, so a deal that came back to the stage in the window is not counted as a new cohort member.
        var proposals = await (from h in db.DealStageChanges.AsNoTracking()
                               join d in db.Deals on h.DealId equals d.Id
                               where h.To == StageCode.ProposalSent && h.At < until && ids.Contains(d.OwnerId)
                                     && db.DealStageChanges.Any(x => x.DealId == h.DealId && x.To == StageCode.ProposalSent && x.At >= since && x.At < until)
                               select new ProposalFact(d.OwnerId, d.Id, h.At, d.Stage == StageCode.Won))
            .ToListAsync(ct);
        var contacts = await db.Activities.AsNoTracking()
            .Where(a => ids.Contains(a.AuthorId) && a.OccurredAt >= since && a.OccurredAt < until
                        && (a.Kind == ActivityKind.Meeting || (a.Kind == ActivityKind.Call && !a.IsMissed)))
            .Select(a => new ContactFact(a.AuthorId, a.Kind, a.OccurredAt)).ToListAsync(ct);
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.AssigneeId != null && ids.Contains(l.AssigneeId.Value) && l.CreatedAt >= since && l.CreatedAt < until)
            .Select(l => new LeadFact(l.AssigneeId!.Value, l.CreatedAt, l.FirstContactAt)).ToListAsync(ct);
        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => ids.Contains(t.AssigneeId) && t.Status != TaskState.Cancelled && t.DueAt >= since && t.DueAt < until)
            .Select(t => new TaskFact(t.AssigneeId, t.DueAt, t.CompletedAt)).ToListAsync(ct);
        var fromYear = since.Year;
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.ManagerId) && p.Year >= fromYear - 1 && p.Year <= until.Year)
            .Select(p => new PlanFact(p.ManagerId, p.Year, p.Month, p.TargetKopecks)).ToListAsync(ct);
        return new ScorecardFacts(closed, proposals, contacts, leads, tasks, plans);
    }

    /// <summary>The managers a team lead coaches: the active sellers of the team (the team lead is the coach, not a card).</summary>
    private static IQueryable<Manager> Sellers(CrmDbContext db, int teamId) =>
        db.Managers.AsNoTracking().Where(m => m.TeamId == teamId && m.IsActive && m.Role == StaffRole.Manager).OrderBy(m => m.FullName);

    private async Task<((int Id, string Name) Team, List<Manager> Sellers)> TeamOfAsync(CrmDbContext db, CurrentUser user, int? teamId, CancellationToken ct)
    {
        if (!user.SeesEverything)
        {
            if (teamId is not null && teamId != user.TeamId)
            {
                await security.AccessDeniedAsync(user.Actor, "Team", teamId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "coaching", ct);
                throw new AccessDeniedException("Можно смотреть только свою команду.");
            }
            teamId = user.TeamId ?? throw new AccessDeniedException("Вы не состоите в команде.");
        }
        var team = teamId is { } id
            ? await db.Teams.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Команда не найдена.")
            : await db.Teams.AsNoTracking().OrderBy(t => t.Name).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Команд пока нет.");
        return ((team.Id, team.Name), await Sellers(db, team.Id).ToListAsync(ct));
    }

    private Task<CurrentUser> RequireCoachAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Coaching", "open",
        "Коучинг команды доступен старшему менеджеру и начальнику отдела.", ct);

    /// <summary>
    /// The team lead reaches the managers of their team, the head and the admin everybody; a manager only themself, and only
    /// where <paramref name="selfAllowed"/> (reading their page, ticking off their development task).
    /// </summary>
    private async Task<Manager> RequireVisibleManagerAsync(CrmDbContext db, CurrentUser user, int managerId, string what, CancellationToken ct,
        bool selfAllowed = false)
    {
        var manager = await db.Managers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == managerId, ct)
                      ?? throw new NotFoundException("Менеджер не найден.");
        var allowed = user.SeesEverything
                      || (user.Role == StaffRole.TeamLead && manager.TeamId == user.TeamId)
                      || (selfAllowed && managerId == user.ManagerId);
        if (allowed) return manager;
        await security.AccessDeniedAsync(user.Actor, nameof(Manager), managerId.ToString(System.Globalization.CultureInfo.InvariantCulture), what, ct);
        throw new AccessDeniedException(user.Role == StaffRole.Manager
            ? "Менеджер видит только свою страницу развития."
            : "Этот менеджер не из вашей команды.");
    }
}
