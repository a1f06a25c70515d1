using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Domain.Teams;

/// <summary>
/// The coaching scorecard of one manager for one period (docs/features.md, use case 4 and "Figures: exact definitions"),
/// as a pure function over plain facts. The data layer only fetches the facts; every figure is decided here.
/// </summary>
public static class Scorecard
{
    /// <summary>
    /// Figures of <paramref name="managerId"/> for <paramref name="period"/>, as seen at <paramref name="now"/>.
    /// <paramref name="responseMinutes"/> turns a lead's creation and first contact into minutes (working hours).
    /// </summary>
    public static ScorecardFigures Compute(int managerId, ScorecardFacts facts, ReportingPeriod period, DateTime now,
        Func<DateTime, DateTime, double> responseMinutes, int responseTargetMinutes)
    {
        // Proposal→contract: deals won ÷ deals that reached "Proposal sent", per period cohort — the cohort is the deals of
        // the manager whose first arrival at "Proposal sent" fell in the period; a deal of the cohort counts once it is won.
        var cohort = facts.Proposals.Where(p => p.OwnerId == managerId)
            .GroupBy(p => p.DealId).Select(g => g.OrderBy(p => p.ReachedAt).First())
            .Where(p => period.Contains(p.ReachedAt)).ToList();
        var cohortWon = cohort.Count(p => p.WonNow);

        var closed = facts.Closed.Where(d => d.OwnerId == managerId && period.Contains(d.ClosedAt)).ToList();
        var won = closed.Where(d => d.Won).ToList();
        var lost = closed.Where(d => !d.Won).ToList();
        // Average deal cycle: days from creation to won, over the deals won in the period.
        double? cycle = won.Count == 0 ? null : won.Average(d => (d.ClosedAt - d.CreatedAt).TotalDays);
        var reasons = lost.GroupBy(d => d.LossReason ?? LossReason.Other)
            .Select(g => new LossReasonCount(g.Key, g.Count())).OrderByDescending(r => r.Count).ThenBy(r => r.Reason).ToList();

        // Calls and meetings per week: the contacts the manager made (a missed call is not one), over the weeks of the
        // period that have passed.
        var contacts = facts.Contacts.Where(c => c.AuthorId == managerId && period.Contains(c.At)).ToList();
        var calls = contacts.Count(c => c.Kind == ActivityKind.Call);
        var meetings = contacts.Count(c => c.Kind == ActivityKind.Meeting);
        var weeks = Weeks(period, now);

        // Response time: first contact − lead creation for the manager's leads created in the period (median and the share
        // over the target).
        var responses = facts.Leads.Where(l => l.AssigneeId == managerId && period.Contains(l.CreatedAt) && l.FirstContactAt is not null)
            .Select(l => responseMinutes(l.CreatedAt, l.FirstContactAt!.Value)).Order().ToList();

        // Overdue tasks: the manager's tasks due in the period (up to now) that were not done by their due time.
        var dueUntil = now < period.ToUtc ? now : period.ToUtc;
        var overdue = facts.Tasks.Count(t => t.AssigneeId == managerId && t.DueAt >= period.FromUtc && t.DueAt < dueUntil
                                             && (t.CompletedAt is null || t.CompletedAt > t.DueAt));

        // Plan attainment: won premium in the period ÷ plan for the period (the months it covers).
        var months = period.Months().ToHashSet();
        var plan = facts.Plans.Where(p => p.ManagerId == managerId && months.Contains((p.Year, p.Month))).Sum(p => p.TargetKopecks);
        var wonPremium = won.Sum(d => d.PremiumKopecks);

        return new ScorecardFigures
        {
            ProposalCohort = cohort.Count,
            ProposalWon = cohortWon,
            ProposalToContract = PipelineFigures.Share(cohortWon, cohort.Count),
            Won = won.Count,
            Lost = lost.Count,
            WinRate = PipelineFigures.Share(won.Count, closed.Count),
            AverageCycleDays = cycle,
            LossReasons = reasons,
            Calls = calls,
            Meetings = meetings,
            CallsPerWeek = calls / weeks,
            MeetingsPerWeek = meetings / weeks,
            Responses = responses.Count,
            MedianResponseMinutes = Median(responses),
            OverTargetShare = PipelineFigures.Share(responses.Count(m => m > responseTargetMinutes), responses.Count),
            OverdueTasks = overdue,
            WonPremiumKopecks = wonPremium,
            PlanKopecks = plan,
            PlanAttainment = plan == 0 ? null : (double)wonPremium / plan,
        };
    }

    /// <summary>
    /// The team average of each figure: the plain mean over the managers that have the figure (a manager with no closed
    /// deal has no win rate and does not pull the average to zero). Counts are averaged too.
    /// </summary>
    public static ScorecardFigures Average(IReadOnlyCollection<ScorecardFigures> managers)
    {
        static double? Mean(IEnumerable<double?> values)
        {
            var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
            return present.Count == 0 ? null : present.Average();
        }
        if (managers.Count == 0) return new ScorecardFigures();
        return new ScorecardFigures
        {
            ProposalCohort = (int)Math.Round(managers.Average(m => m.ProposalCohort)),
            ProposalWon = (int)Math.Round(managers.Average(m => m.ProposalWon)),
            ProposalToContract = Mean(managers.Select(m => m.ProposalToContract)),
            Won = (int)Math.Round(managers.Average(m => m.Won)),
            Lost = (int)Math.Round(managers.Average(m => m.Lost)),
            WinRate = Mean(managers.Select(m => m.WinRate)),
            AverageCycleDays = Mean(managers.Select(m => m.AverageCycleDays)),
            LossReasons = managers.SelectMany(m => m.LossReasons).GroupBy(r => r.Reason)
                .Select(g => new LossReasonCount(g.Key, g.Sum(r => r.Count))).OrderByDescending(r => r.Count).ThenBy(r => r.Reason).ToList(),
            Calls = (int)Math.Round(managers.Average(m => m.Calls)),
            Meetings = (int)Math.Round(managers.Average(m => m.Meetings)),
            CallsPerWeek = managers.Average(m => m.CallsPerWeek),
            MeetingsPerWeek = managers.Average(m => m.MeetingsPerWeek),
            Responses = (int)Math.Round(managers.Average(m => m.Responses)),
            MedianResponseMinutes = Mean(managers.Select(m => m.MedianResponseMinutes)),
            OverTargetShare = Mean(managers.Select(m => m.OverTargetShare)),
            OverdueTasks = (int)Math.Round(managers.Average(m => m.OverdueTasks)),
            WonPremiumKopecks = (long)Math.Round(managers.Average(m => m.WonPremiumKopecks)),
            PlanKopecks = (long)Math.Round(managers.Average(m => m.PlanKopecks)),
            PlanAttainment = Mean(managers.Select(m => m.PlanAttainment)),
        };
    }

    /// <summary>Weeks of the period that have passed by <paramref name="now"/> (at least one day's worth).</summary>
    public static double Weeks(ReportingPeriod period, DateTime now)
    {
        var end = now < period.ToUtc ? now : period.ToUtc;
        var days = Math.Max((end - period.FromUtc).TotalDays, 1);
        return days / 7;
    }

    public static double? Median(IReadOnlyList<double> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>The plain facts the scorecard is computed from, fetched once for a window of periods and a set of managers.</summary>
public sealed record ScorecardFacts(
    IReadOnlyList<ClosedDealFact> Closed,
    IReadOnlyList<ProposalFact> Proposals,
    IReadOnlyList<ContactFact> Contacts,
    IReadOnlyList<LeadFact> Leads,
    IReadOnlyList<TaskFact> Tasks,
    IReadOnlyList<PlanFact> Plans);

/// <summary>A deal closed (won or lost) by its owner.</summary>
public sealed record ClosedDealFact(int OwnerId, DateTime CreatedAt, DateTime ClosedAt, bool Won, LossReason? LossReason, long PremiumKopecks);

/// <summary>An arrival of a deal at "Proposal sent"; <see cref="WonNow"/> is whether the deal is won today.</summary>
public sealed record ProposalFact(int OwnerId, int DealId, DateTime ReachedAt, bool WonNow);

/// <summary>A call or meeting the manager had (missed calls are left out by the query).</summary>
public sealed record ContactFact(int AuthorId, ActivityKind Kind, DateTime At);

public sealed record LeadFact(int AssigneeId, DateTime CreatedAt, DateTime? FirstContactAt);

/// <summary>A task of the manager that was not cancelled.</summary>
public sealed record TaskFact(int AssigneeId, DateTime DueAt, DateTime? CompletedAt);

public sealed record PlanFact(int ManagerId, int Year, int Month, long TargetKopecks);

public sealed record LossReasonCount(LossReason Reason, int Count);

/// <summary>One manager's (or the team average's) figures for one period; null where the figure has no base.</summary>
public sealed record ScorecardFigures
{
    public int ProposalCohort { get; init; }
    public int ProposalWon { get; init; }
    public double? ProposalToContract { get; init; }
    public int Won { get; init; }
    public int Lost { get; init; }
    public double? WinRate { get; init; }
    public double? AverageCycleDays { get; init; }
    public IReadOnlyList<LossReasonCount> LossReasons { get; init; } = [];
    public int Calls { get; init; }
    public int Meetings { get; init; }
    public double CallsPerWeek { get; init; }
    public double MeetingsPerWeek { get; init; }
    public int Responses { get; init; }
    public double? MedianResponseMinutes { get; init; }
    public double? OverTargetShare { get; init; }
    public int OverdueTasks { get; init; }
    public long WonPremiumKopecks { get; init; }
    public long PlanKopecks { get; init; }
    public double? PlanAttainment { get; init; }
}
