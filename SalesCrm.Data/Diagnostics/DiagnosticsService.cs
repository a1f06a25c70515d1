using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Diagnostics;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Diagnostics;

/// <summary>The thresholds of the triggers (<c>Crm:Diagnostics:Thresholds:&lt;code&gt;</c>), over the catalogue's defaults.</summary>
public sealed class DiagnosticsOptions
{
    public DiagnosticsOptions()
    {
    }

    public DiagnosticsOptions(IConfiguration configuration)
    {
        foreach (var child in configuration.GetSection("Crm:Diagnostics:Thresholds").GetChildren())
            if (double.TryParse(child.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
                Overrides[child.Key] = v;
    }

    public Dictionary<string, double> Overrides { get; } = new(StringComparer.OrdinalIgnoreCase);

    public double Threshold(TriggerDefinition trigger) => Overrides.TryGetValue(trigger.Code, out var v) ? v : trigger.DefaultThreshold;
}

/// <summary>
/// The sales-department diagnostics (the second seed): every trigger of the eight blocks measured on the live data of a
/// team (team lead) or the department (head) for a month, each figure computed in SQL with the product's definitions and
/// judged by <see cref="DiagnosticPolicy"/>.
/// </summary>
public sealed partial class DiagnosticsService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    DiagnosticsOptions thresholds, SecurityLog security, Quality.QualityService quality, Renewals.RenewalService renewals,
    Calendar.WorkingCalendarSource calendars, ISharedResults shared)
{
    /// <summary>
    /// How often the page measures again (decision 0014): thirty triggers over a month of the scope's records are too much
    /// work to redo on every deal change, and a diagnosis does not move by the minute. At a million deals one measurement of a
    /// team takes seconds; twenty teams measured every 15 minutes cost a tenth of a core (docs/benchmarks.md). Opening the
    /// page, acting on it, or a change of the settings (thresholds, calendar, teams) measures again at once.
    /// </summary>
    public static readonly TimeSpan Cadence = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The eight blocks for a scope and month, shared by all who look: measured at most <see cref="Cadence"/> ago, or now
    /// when <paramref name="fresh"/> (the page opened, or an action on it).
    /// </summary>
    public async Task<DiagnosticsReport> ReportAsync(int? teamId, ReportingPeriod? period = null, CancellationToken ct = default, bool fresh = true)
    {
        var user = await RequireAsync(ct);
        var team = DashboardQueries.ScopeTeam(user, teamId);
        var month = period ?? ReportingPeriod.Containing(PeriodKind.Month, time.GetUtcNow().UtcDateTime, options.TimeZone);
        var key = $"diagnostics:{team}:{month.FromUtc.Ticks}:{month.ToUtc.Ticks}";
        if (fresh) shared.Forget(key);
        return await shared.GetAsync(key, new SharedScope(null, SettingsOnly: true, MaxAge: Cadence), c => MeasureReportAsync(user, team, month, c), ct);
    }

    private async Task<DiagnosticsReport> MeasureReportAsync(CurrentUser user, int? teamId, ReportingPeriod month, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await DashboardQueries.ScopeAsync(db, user, teamId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var values = await MeasureAsync(db, scope, month, now, ct);
        var triggers = DiagnosticCatalogue.Triggers.Select(t =>
        {
            var threshold = thresholds.Threshold(t);
            var (value, note) = values.GetValueOrDefault(t.Code);
            return new TriggerResult(t, value, threshold, DiagnosticPolicy.Evaluate(t.Direction, value, threshold), note, Evidence(t.Code, scope.TeamId, month));
        }).ToList();
        var blocks = DiagnosticCatalogue.Blocks.Select(b =>
        {
            var own = triggers.Where(t => t.Trigger.Block == b.Number).ToList();
            return new BlockResult(b, DiagnosticPolicy.BlockStatus(own.Select(t => t.Status)), own);
        }).ToList();
        return new DiagnosticsReport(scope.TeamId, scope.Name, month, now, blocks);
    }

    /// <summary>
    /// Stores the month that has just ended for every team and the department, once: a (team, month, trigger) row is
    /// unique, so a restart or a second node that gets here too changes nothing. Returns the number of scopes written.
    /// </summary>
    public async Task<int> SnapshotAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var month = ReportingPeriod.Containing(PeriodKind.Month, now, options.TimeZone).Previous(options.TimeZone);
        var key = month.FirstDateUtc;
        await using var db = await factory.CreateDbContextAsync(ct);
        var done = await db.DiagnosticSnapshots.AsNoTracking().Where(x => x.Month == key).Select(x => x.TeamId).Distinct().ToListAsync(ct);
        var scopes = new List<DashboardScope>();
        if (!done.Contains(0)) scopes.Add(new DashboardScope(null, "Все команды", null));
        foreach (var team in await db.Teams.AsNoTracking().Where(t => !done.Contains(t.Id)).ToListAsync(ct))
            scopes.Add(new DashboardScope(team.Id, team.Name, await db.Managers.AsNoTracking().Where(m => m.TeamId == team.Id).Select(m => m.Id).ToListAsync(ct)));
        var written = 0;
        foreach (var scope in scopes)
        {
            var values = await MeasureAsync(db, scope, month, now, ct);
            await using var write = await factory.CreateDbContextAsync(ct);
            foreach (var t in DiagnosticCatalogue.Triggers)
            {
                var threshold = thresholds.Threshold(t);
                var value = values.GetValueOrDefault(t.Code).Value;
                write.DiagnosticSnapshots.Add(new DiagnosticSnapshot(scope.TeamId ?? 0, key, t.Code, value, threshold,
                    DiagnosticPolicy.Evaluate(t.Direction, value, threshold), now));
            }
            try
            {
                await write.SaveChangesAsync(ct);
                written++;
            }
            catch (DbUpdateException)
            {
                // Another node stored this scope's month first.
            }
        }
        return written;
    }

    /// <summary>The months with a stored snapshot for the user's scope (newest first).</summary>
    public async Task<IReadOnlyList<DateOnly>> SnapshotMonthsAsync(int? teamId, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await DashboardQueries.ScopeAsync(db, user, teamId, ct);
        var team = scope.TeamId ?? 0;
        var months = await db.DiagnosticSnapshots.AsNoTracking().Where(x => x.TeamId == team).Select(x => x.Month).Distinct().ToListAsync(ct);
        return months.OrderDescending().Select(DateOnly.FromDateTime).ToList();
    }

    /// <summary>
    /// "Было/стало": every trigger in month <paramref name="before"/> and month <paramref name="after"/> — the stored
    /// snapshot of a month when there is one, otherwise measured now.
    /// </summary>
    public async Task<BeforeAfter> CompareAsync(int? teamId, DateOnly before, DateOnly after, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await DashboardQueries.ScopeAsync(db, user, teamId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        async Task<(Dictionary<string, (double? Value, DiagnosticStatus Status)> Values, bool Stored)> MonthAsync(DateOnly month)
        {
            var key = new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var team = scope.TeamId ?? 0;
            var stored = await db.DiagnosticSnapshots.AsNoTracking().Where(x => x.TeamId == team && x.Month == key).ToListAsync(ct);
            if (stored.Count > 0) return (stored.ToDictionary(x => x.TriggerCode, x => (x.Value, x.Status)), true);
            var measured = await MeasureAsync(db, scope, ReportingPeriod.Month(month.Year, month.Month, options.TimeZone), now, ct);
            return (DiagnosticCatalogue.Triggers.ToDictionary(t => t.Code, t =>
            {
                var value = measured.GetValueOrDefault(t.Code).Value;
                return (value, DiagnosticPolicy.Evaluate(t.Direction, value, thresholds.Threshold(t)));
            }), false);
        }
        var (a, aStored) = await MonthAsync(before);
        var (b, bStored) = await MonthAsync(after);
        var rows = DiagnosticCatalogue.Triggers.Select(t =>
        {
            var (va, sa) = a.GetValueOrDefault(t.Code);
            var (vb, sb) = b.GetValueOrDefault(t.Code);
            return new BeforeAfterRow(t, va, sa, vb, sb, thresholds.Threshold(t));
        }).ToList();
        return new BeforeAfter(scope.TeamId, scope.Name, before, aStored, after, bStored, rows);
    }

    private Task<CurrentUser> RequireAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Diagnostics", "open",
        "Диагностику отдела продаж видят старший менеджер и начальник отдела.", ct);

    /// <summary>The teams the user may pick.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> TeamsAsync(CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await DashboardQueries.TeamsOfAsync(db, user, ct);
    }

    /// <summary>
    /// Starts the work of block 2: a "data fix" task for every finding behind its triggers — deals without a next step,
    /// incomplete client cards, duplicates, deals whose stage contradicts their data (the quality service's bulk action, so
    /// a task is never given twice). Each task closes only once its record passes the rule, so when they are all done the
    /// block measures clean.
    /// </summary>
    public async Task<Quality.FixTasksResult> StartDisciplineWorkAsync(int? teamId, CancellationToken ct = default)
    {
        await RequireAsync(ct);
        return await quality.CreateFixTasksAsync(teamId, DiagnosticCatalogue.DisciplineRules, null, ct);
    }

    /// <summary>
    /// Where the records behind a figure are: the same month, team and condition the figure counts, on the page that lists
    /// them (the leads never reached, the deals without a next step, the overdue tasks, the findings of a rule…).
    /// </summary>
    public static string? Evidence(string code, int? teamId, ReportingPeriod month)
    {
        var team = teamId is { } t ? $"&team={t}" : "";
        var leads = $"/leads?view=all&month={month.FirstDay:yyyy-MM}{team}";
        string Only(string only) => $"{leads}&only={only}";
        return code switch
        {
            TriggerCodes.ResponseMedian => Only("contacted"),
            TriggerCodes.ContactRate => Only("notcontacted"),
            TriggerCodes.LostBeforeContact => Only("lostbeforecontact"),
            TriggerCodes.NoSource => Only("nosource"),
            TriggerCodes.CrossChannelDuplicates => Only("repeated"),
            TriggerCodes.ManualLeads or TriggerCodes.SilentChannels or TriggerCodes.OverCapacity => leads,
            TriggerCodes.MissedCalls or TriggerCodes.ManualCalls or TriggerCodes.NewManagers or TriggerCodes.ConversionDrop => $"/team?kind=month&date={month.FirstDay:yyyy-MM-dd}{team}",
            TriggerCodes.NoNextStep => $"/deals?nostep=1&open=1{team}",
            TriggerCodes.StuckShare => $"/deals?stuck=1&open=1{team}",
            TriggerCodes.SlowStages => $"/pipeline?signal=Stuck{team}",
            TriggerCodes.SaggingStage or TriggerCodes.DecisionsWithoutData => $"/dashboard?period=month{team}",
            TriggerCodes.IncompleteClients => $"/quality?{team.TrimStart('&')}",
            TriggerCodes.Duplicates => $"/quality?rule={QualityRule.DuplicateClient}{team}",
            TriggerCodes.Unreconciled => $"/quality?rule={QualityRule.DealStageInconsistent}{team}",
            TriggerCodes.OverdueTasks => $"/tasks?view=overdue{team}",
            TriggerCodes.RepeatShare or TriggerCodes.ClientActivityDrop or TriggerCodes.ChurnRate => "/renewals",
            TriggerCodes.NoWeeklyPack or TriggerCodes.UnopenedProposals => $"/reports?kind=week{team}",
            TriggerCodes.BoardUnwatched => "/settings",
            _ => null,
        };
    }
}
