using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SalesCrm.Data.Access;
using SalesCrm.Data.Dashboard;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Calendar;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Diagnostics;

/// <summary>The measurement of every trigger, one method per block of the catalogue.</summary>
public sealed partial class DiagnosticsService
{
    /// <summary>A lead of the month measured, with what the blocks count of it.</summary>
    private sealed record MonthLead(int Id, DateTime CreatedAt, DateTime? FirstContactAt, LeadStatus Status, Dictionary<string, string> SourceTags, int Touches);

    /// <summary>An active seller of the scope, with the number of open deals.</summary>
    private sealed record ScopeSeller(int Id, int Capacity, DateTime HiredOn, int Open, int OpenLeads);

    /// <summary>
    /// What the blocks measure on: the scope, its month and the instant, the working calendar, the month's leads and the scope's
    /// sellers (which several blocks count); and the values measured so far.
    /// </summary>
    private sealed record Measurement(CrmDbContext Db, DashboardScope Scope, ReportingPeriod Month, DateTime Now, WorkingCalendar Calendar,
        IReadOnlyList<MonthLead> Leads, IReadOnlyList<ScopeSeller> Sellers)
    {
        public Dictionary<string, (double? Value, UserText Note)> Values { get; } = [];

        public IReadOnlyList<int>? Owners => Scope.OwnerIds;

        /// <summary>The open deals of the scope.</summary>
        public IQueryable<Deal> OpenDeals
        {
            get
            {
                var owners = Owners;
                return Db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost && (owners == null || owners.Contains(d.OwnerId)));
            }
        }

        public void Set(string code, double? value, UserText note) => Values[code] = (value, note);

        /// <summary>A count, noted as <paramref name="format"/> with the count.</summary>
        public void Count(string code, int count, string format) => Set(code, count, new UserText(format, count));

        /// <summary>A share <paramref name="part"/> ÷ <paramref name="whole"/>, noted as <paramref name="format"/> with both.</summary>
        public void Share(string code, int part, int whole, string format = "{0} из {1}") =>
            Set(code, PipelineFigures.Share(part, whole), new UserText(format, part, whole));
    }

    /// <summary>Every trigger's value (null: no data) with a short note of what it counted, block by block of the catalogue.</summary>
    internal async Task<Dictionary<string, (double? Value, UserText Note)>> MeasureAsync(CrmDbContext db, DashboardScope scope, ReportingPeriod month,
        DateTime now, CancellationToken ct)
    {
        var owners = scope.OwnerIds;
        var calendar = await calendars.CurrentAsync(ct);
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.CreatedAt >= month.FromUtc && l.CreatedAt < month.ToUtc
                        && (owners == null || (l.AssigneeId != null && owners.Contains(l.AssigneeId.Value)) || (l.AssigneeId == null && l.QueueTeamId == scope.TeamId)))
            .Select(l => new MonthLead(l.Id, l.CreatedAt, l.FirstContactAt, l.Status, l.SourceTags, l.Touches))
            .ToListAsync(ct);
        var sellers = await db.Managers.AsNoTracking().Where(m => m.IsActive && m.Role == StaffRole.Manager && (owners == null || owners.Contains(m.Id)))
            .Select(m => new ScopeSeller(m.Id, m.Capacity, m.HiredOn, db.Deals.Count(d => d.OwnerId == m.Id && d.Stage != StageCode.Won && d.Stage != StageCode.Lost),
                db.Leads.Count(l => l.AssigneeId == m.Id && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))))
            .ToListAsync(ct);
        var measurement = new Measurement(db, scope, month, now, calendar, leads, sellers);
        await InboundFlowAsync(measurement, ct);
        await DisciplineAsync(measurement, ct);
        await StageConversionAsync(measurement, ct);
        await AutomationAsync(measurement, ct);
        await RepeatSalesAsync(measurement, ct);
        await RitualsAsync(measurement, ct);
        await IntegrationsAsync(measurement, ct);
        await CoachingAsync(measurement, ct);
        return measurement.Values;
    }

    /// <summary>1. Inbound flow and speed of reaction.</summary>
    private static async Task InboundFlowAsync(Measurement m, CancellationToken ct)
    {
        var (month, owners, leads) = (m.Month, m.Owners, m.Leads);
        var responses = leads.Where(l => l.FirstContactAt is not null)
            .Select(l => m.Calendar.MinutesBetween(l.CreatedAt, l.FirstContactAt!.Value, m.Scope.TeamId)).Order().ToList();
        m.Set(TriggerCodes.ResponseMedian, Scorecard.Median(responses), new UserText("лидов с контактом: {0}", responses.Count));
        m.Share(TriggerCodes.ContactRate, responses.Count, leads.Count);
        var lost = leads.Count(l => l.FirstContactAt is null && l.Status is LeadStatus.Disqualified or LeadStatus.Qualified);
        m.Share(TriggerCodes.LostBeforeContact, lost, leads.Count);
        var inbound = m.Db.Activities.AsNoTracking().Where(a => a.Kind == ActivityKind.Call && a.Direction == ActivityDirection.Inbound
                                                                && a.OccurredAt >= month.FromUtc && a.OccurredAt < month.ToUtc && (owners == null || owners.Contains(a.AuthorId)));
        var inboundCount = await inbound.CountAsync(ct);
        var missed = await inbound.CountAsync(a => a.IsMissed, ct);
        m.Share(TriggerCodes.MissedCalls, missed, inboundCount, "{0} из {1} входящих");
    }

    /// <summary>2. CRM discipline and clean data.</summary>
    private async Task DisciplineAsync(Measurement m, CancellationToken ct)
    {
        var (db, owners) = (m.Db, m.Owners);
        var openCount = await m.OpenDeals.CountAsync(ct);
        var withoutStep = await m.OpenDeals.WithoutNextStep(db.Tasks, m.Now).CountAsync(ct);
        m.Share(TriggerCodes.NoNextStep, withoutStep, openCount, "{0} из {1} открытых");
        var run = await quality.RunAsync(db, owners, ct);
        var clientRules = new[] { QualityRule.ClientNoContact, QualityRule.ClientNoDecisionMaker, QualityRule.ClientNoPhoneOrEmail, QualityRule.ClientInnInvalid,
            QualityRule.ClientRequiredFieldsEmpty };
        var incomplete = run.Findings.Where(f => clientRules.Contains(f.Rule)).Select(f => f.RecordId).Distinct().Count();
        var clients = await db.Clients.AsNoTracking().CountAsync(c => owners == null || owners.Contains(c.OwnerId), ct);
        m.Share(TriggerCodes.IncompleteClients, incomplete, clients);
        m.Count(TriggerCodes.Duplicates, run.Duplicates.Count, "пар: {0}");
        // Reports do not reconcile when a deal's stage contradicts its data (a "proposal sent" without a proposal, a contract
        // signed on terms not approved): the funnel then counts deals the pack cannot explain.
        m.Count(TriggerCodes.Unreconciled, run.Findings.Count(f => f.Rule == QualityRule.DealStageInconsistent), "сделок с противоречием: {0}");
    }

    /// <summary>3. Stage conversion: the stage that sags most, the stages slower than their norm, the stuck deals.</summary>
    private async Task StageConversionAsync(Measurement m, CancellationToken ct)
    {
        await SaggingStageAsync(m, ct);
        var now = m.Now;
        var stages = await m.Db.Stages.AsNoTracking().Where(s => s.StuckAfterDays > 0).Select(s => new { s.Code, s.StuckAfterDays }).ToListAsync(ct);
        var entered = await m.OpenDeals.Select(d => new { d.Stage, d.StageEnteredAt }).ToListAsync(ct);
        var slow = stages.Count(s => entered.Where(d => d.Stage == s.Code).Select(d => (now - d.StageEnteredAt).TotalDays).DefaultIfEmpty(0).Average() > s.StuckAfterDays);
        m.Count(TriggerCodes.SlowStages, slow, "этапов: {0}");
        var stuck = entered.Count(d => stages.FirstOrDefault(s => s.Code == d.Stage) is { } s && PipelineFigures.IsStuck(d.Stage, d.StageEnteredAt, s.StuckAfterDays, now));
        m.Share(TriggerCodes.StuckShare, stuck, entered.Count);
        await UnopenedProposalsAsync(m, ct);
    }

    /// <summary>
    /// The proposal documents the month sent (the mail server took them) at least <see cref="UnopenedAfterDays"/> days ago, and how
    /// many the client never opened: a proposal nobody reads is a proposal that does not sell (weak letters, wrong addresses, no call after).
    /// </summary>
    private static async Task UnopenedProposalsAsync(Measurement m, CancellationToken ct)
    {
        var owners = m.Owners;
        var until = m.Now.AddDays(-UnopenedAfterDays) < m.Month.ToUtc ? m.Now.AddDays(-UnopenedAfterDays) : m.Month.ToUtc;
        var sent = await (from p in m.Db.ProposalDocuments.AsNoTracking()
                          join d in m.Db.Deals on p.DealId equals d.Id
                          where p.SentAt >= m.Month.FromUtc && p.SentAt < until && (owners == null || owners.Contains(d.OwnerId))
                          select p.FirstOpenedAt).ToListAsync(ct);
        m.Share(TriggerCodes.UnopenedProposals, sent.Count(opened => opened is null), sent.Count, "{0} из {1} отправленных");
    }

    /// <summary>How long a client has to open a proposal before it counts as unread.</summary>
    private const int UnopenedAfterDays = 3;

    /// <summary>
    /// The largest drop of a stage's conversion against the month before, like for like (<see cref="PeriodComparison"/>).
    /// A month still running is compared by its last complete month against the one before it: the deals that entered a
    /// stage this month have not had the time to move on yet. The month before is measured at the same age.
    /// </summary>
    private async Task SaggingStageAsync(Measurement m, CancellationToken ct)
    {
        var measured = m.Month.ToUtc > m.Now ? m.Month.Previous(options.TimeZone) : m.Month;
        var comparison = PeriodComparison.Of(measured, m.Now, options.TimeZone);
        var baseline = comparison.Baseline;
        var conversion = await DashboardQueries.ConversionAsync(m.Db, m.Owners, measured, ct);
        var before = await DashboardQueries.ConversionAsync(m.Db, m.Owners, baseline, ct, comparison.BaselineMeasuredAt);
        var stageNames = await m.Db.Stages.AsNoTracking().ToDictionaryAsync(x => x.Code, x => x.Name, ct);
        double? sag = null;
        UserText sagNote = "мало данных для сравнения";
        foreach (var (stage, current) in conversion)
        {
            if (!before.TryGetValue(stage, out var then) || comparison.ConversionChange(current, then) is not { } change) continue;
            var drop = -change / 100;
            if (sag is null || drop > sag)
                (sag, sagNote) = (drop, new UserText("«{0}», {1:MM.yyyy} к {2:MM.yyyy}", stageNames.GetValueOrDefault(stage, stage.ToString()),
                    measured.FirstDay, baseline.FirstDay));
        }
        m.Set(TriggerCodes.SaggingStage, sag is null ? null : Math.Max(0, sag.Value), sagNote);
    }

    /// <summary>4. Automation.</summary>
    private static async Task AutomationAsync(Measurement m, CancellationToken ct)
    {
        var (db, owners, now) = (m.Db, m.Owners, m.Now);
        var tasks = db.Tasks.AsNoTracking().Where(t => t.Status == TaskState.Open && (owners == null || owners.Contains(t.AssigneeId)));
        var openTasks = await tasks.CountAsync(ct);
        var overdue = await tasks.CountAsync(t => t.DueAt < now, ct);
        m.Share(TriggerCodes.OverdueTasks, overdue, openTasks);
        var leadKeys = m.Leads.Select(l => l.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var manual = leadKeys.Count == 0 ? 0 : await db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.EntityType == "Lead" && a.Action == AuditAction.Created && a.ActorId != null && leadKeys.Contains(a.EntityId), ct);
        m.Share(TriggerCodes.ManualLeads, manual, m.Leads.Count);
        m.Count(TriggerCodes.OverCapacity, m.Sellers.Count(s => Workload.IsOverCapacity(Workload.Load(s.Open, s.OpenLeads), s.Capacity)), "менеджеров: {0}");
    }

    /// <summary>5. Repeat sales and existing clients.</summary>
    private async Task RepeatSalesAsync(Measurement m, CancellationToken ct)
    {
        var (db, owners, now) = (m.Db, m.Owners, m.Now);
        var retention = await renewals.FiguresAsync(db, owners, m.Month, ct);
        m.Set(TriggerCodes.RepeatShare, retention.RepeatShare, "по выигранным сделкам");
        m.Set(TriggerCodes.ChurnRate, retention.ChurnRate, retention.Running > 0
            ? new UserText("{0} из {1} закончившихся договоров; ещё действуют: {2}", retention.Ended - retention.Renewed, retention.Ended, retention.Running)
            : new UserText("{0} из {1} договоров", retention.Ended - retention.Renewed, retention.Ended));
        var since = now.AddDays(-90);
        var earlier = now.AddDays(-180);
        var existing = db.Deals.AsNoTracking().Where(d => d.Stage == StageCode.Won && (owners == null || owners.Contains(d.OwnerId))).Select(d => d.ClientId);
        var touchesNow = await db.Activities.AsNoTracking().CountAsync(a => a.ClientId != null && existing.Contains(a.ClientId.Value) && a.OccurredAt >= since, ct);
        var touchesBefore = await db.Activities.AsNoTracking()
            .CountAsync(a => a.ClientId != null && existing.Contains(a.ClientId.Value) && a.OccurredAt >= earlier && a.OccurredAt < since, ct);
        m.Set(TriggerCodes.ClientActivityDrop, touchesBefore == 0 ? null : Math.Max(0, (double)(touchesBefore - touchesNow) / touchesBefore),
            new UserText("касаний: {0} против {1}", touchesNow, touchesBefore));
    }

    /// <summary>
    /// 6. Reports and rituals: days since each was last used. A ritual is marked on the department's calendar day, so its age
    /// is counted in calendar days from the department's today (at 00:30 in Moscow yesterday's mark is one day old, not minus
    /// one); the board's last view is an instant.
    /// </summary>
    private async Task RitualsAsync(Measurement m, CancellationToken ct)
    {
        var (db, teamId, now) = (m.Db, m.Scope.TeamId, m.Now);
        var today = options.Today(now);
        double? DaysSince(DateTime? at) => at is { } t ? Math.Floor((now - t).TotalDays) : null;
        double? DaysAgo(DateTime? day) => day is { } d ? (today - d).TotalDays : null;
        var packAt = await db.ReportArchive.AsNoTracking().Where(r => teamId == null || r.TeamId == teamId).MaxAsync(r => (DateTime?)r.CreatedAt, ct);
        var ritualAt = await db.RitualMarks.AsNoTracking().Where(r => teamId == null || r.TeamId == teamId)
            .GroupBy(r => r.Kind).Select(g => new { g.Key, Last = g.Max(r => r.Day) }).ToDictionaryAsync(x => x.Key, x => (DateTime?)x.Last, ct);
        var pack = new[] { packAt is { } p ? options.Today(p) : null, ritualAt.GetValueOrDefault(RitualKind.WeeklyPack) }.Max();
        m.Set(TriggerCodes.NoWeeklyPack, DaysAgo(pack) ?? 999, pack is null ? "отчёт ни разу не формировался" : new UserText("последний {0:dd.MM.yyyy}", pack));
        var board = await db.BoardTokens.AsNoTracking().Where(t => teamId == null || t.TeamId == teamId || t.TeamId == null)
            .MaxAsync(t => t.LastSeenAt, ct);
        m.Set(TriggerCodes.BoardUnwatched, DaysSince(board) ?? 999,
            board is null ? "табло ни разу не открывали" : new UserText("последний раз {0:dd.MM.yyyy}", board));
        var data = new[] { ritualAt.GetValueOrDefault(RitualKind.Dashboard), ritualAt.GetValueOrDefault(RitualKind.Reports) }.Max();
        m.Set(TriggerCodes.DecisionsWithoutData, DaysAgo(data) ?? 999,
            data is null ? "дашборд и отчёты не открывали" : new UserText("последний раз {0:dd.MM.yyyy}", data));
    }

    /// <summary>7. Integrations and channels.</summary>
    private static async Task IntegrationsAsync(Measurement m, CancellationToken ct)
    {
        var (db, owners, now, month, leads) = (m.Db, m.Owners, m.Now, m.Month, m.Leads);
        m.Share(TriggerCodes.NoSource, leads.Count(l => l.SourceTags.Count == 0), leads.Count);
        var recentFrom = now.AddDays(-30);
        var channelLast = await db.Leads.AsNoTracking()
            .Where(l => l.CreatedAt >= now.AddDays(-180) && (owners == null || (l.AssigneeId != null && owners.Contains(l.AssigneeId.Value))))
            .GroupBy(l => l.Channel).Select(g => new { g.Key, Last = g.Max(l => l.CreatedAt) }).ToListAsync(ct);
        var silent = channelLast.Where(c => c.Last < recentFrom).Select(c => c.Key).ToList();
        m.Set(TriggerCodes.SilentChannels, silent.Count, silent.Count == 0 ? "все каналы дают заявки" : new UserText("без заявок больше 30 дней: {0}", string.Join(", ", silent)));
        var repeats = leads.Sum(l => l.Touches);
        m.Set(TriggerCodes.CrossChannelDuplicates, PipelineFigures.Share(repeats, leads.Count + repeats), new UserText("повторных заявок: {0}", repeats));
        var calls = db.Activities.AsNoTracking().Where(a => a.Kind == ActivityKind.Call && a.OccurredAt >= month.FromUtc && a.OccurredAt < month.ToUtc
                                                            && (owners == null || owners.Contains(a.AuthorId)));
        var callCount = await calls.CountAsync(ct);
        var handTyped = await calls.CountAsync(a => a.CallId == null, ct);
        m.Share(TriggerCodes.ManualCalls, handTyped, callCount);
    }

    /// <summary>8. Training and coaching.</summary>
    private async Task CoachingAsync(Measurement m, CancellationToken ct)
    {
        var (month, now) = (m.Month, m.Now);
        m.Count(TriggerCodes.NewManagers, m.Sellers.Count(s => s.HiredOn > now.AddDays(-90)), "менеджеров: {0}");
        var previous = month.Previous(options.TimeZone);
        var ids = m.Sellers.Select(s => s.Id).ToList();
        var facts = await Coaching.CoachingService.FactsAsync(m.Db, ids, previous.FromUtc, month.ToUtc, ct);
        double Minutes(DateTime a, DateTime b) => m.Calendar.MinutesBetween(a, b, m.Scope.TeamId);
        var dropping = ids.Count(id =>
            Scorecard.Compute(id, facts, month, now, Minutes, options.Thresholds.ResponseTargetMinutes).WinRate is { } cur
            && Scorecard.Compute(id, facts, previous, now, Minutes, options.Thresholds.ResponseTargetMinutes).WinRate is { } was
            && was - cur >= 0.1);
        m.Count(TriggerCodes.ConversionDrop, dropping, "менеджеров: {0}");
    }
}
