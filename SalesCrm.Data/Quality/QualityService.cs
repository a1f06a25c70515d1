using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Quality;

/// <summary>
/// Data quality (docs/features.md): runs the rule catalogue of <see cref="QualityRules"/> over the records of a
/// team (team lead: own; head and admin: any or all), scores each manager and the team, keeps the daily trend, turns
/// findings into "data fix" tasks for the owners, and runs sampling audits. The rules decide; this class fetches the
/// facts and checks who may see and do what.
/// </summary>
public sealed class QualityService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options,
    SecurityLog security)
{
    public const int TrendDays = 30;
    public const int FixDueDays = 3;

    public async Task<QualityReport> ReportAsync(int? teamId, CancellationToken ct = default)
    {
        var user = await RequireLeadAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await ScopeAsync(db, user, teamId, ct);
        var run = await RunAsync(db, scope.OwnerIds, ct);
        var names = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        var sellers = await db.Managers.AsNoTracking()
            .Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead) && (scope.OwnerIds == null || scope.OwnerIds.Contains(m.Id)))
            .OrderBy(m => m.FullName).Select(m => m.Id).ToListAsync(ct);
        var since = options.Today(time.GetUtcNow().UtcDateTime).AddDays(-TrendDays);
        var snapshots = await db.QualitySnapshots.AsNoTracking()
            .Where(s => s.Day >= since && (scope.TeamId == null || s.TeamId == scope.TeamId))
            .ToListAsync(ct);
        var trend = snapshots.Where(s => s.ManagerId == 0).GroupBy(s => s.Day).OrderBy(g => g.Key)
            .Select(g => new QualityTrendPoint(g.Key, QualityRules.Score(g.Sum(s => s.Checked), g.Sum(s => s.Failing)))).ToList();
        return new QualityReport
        {
            TeamId = scope.TeamId,
            TeamName = scope.Name,
            Findings = run.Findings.Select(f => f with { OwnerName = names.GetValueOrDefault(f.OwnerId, "?") }).ToList(),
            Duplicates = run.Duplicates,
            Managers = sellers.Select(id =>
            {
                var (total, failing) = run.PerOwner.GetValueOrDefault(id);
                var history = snapshots.Where(s => s.ManagerId == id).OrderBy(s => s.Day).Select(s => new QualityTrendPoint(s.Day, s.Score)).ToList();
                return new ManagerQuality(id, names.GetValueOrDefault(id, "?"), total, failing, QualityRules.Score(total, failing), history);
            }).ToList(),
            Checked = run.PerOwner.Values.Sum(v => v.Checked),
            Failing = run.PerOwner.Values.Sum(v => v.Failing),
            Trend = trend,
        };
    }

    /// <summary>
    /// Creates a "data fix" task for the owner of each finding of <paramref name="rule"/> (all of them, or only
    /// <paramref name="recordIds"/>), due in <see cref="FixDueDays"/> days; a record that already has an open fix task for
    /// that rule is skipped. Each owner gets one notification with the count.
    /// </summary>
    public Task<FixTasksResult> CreateFixTasksAsync(int? teamId, QualityRule rule, IReadOnlyCollection<int>? recordIds, CancellationToken ct = default) =>
        CreateFixTasksAsync(teamId, [rule], recordIds, ct);

    /// <summary>
    /// The same for several rules in one run (diagnostics block 2 starts its work this way). A duplicate is merged by a
    /// leader, so its task goes to the one who asked for the tasks; every other finding to the record's owner.
    /// </summary>
    public async Task<FixTasksResult> CreateFixTasksAsync(int? teamId, IReadOnlyCollection<QualityRule> rules, IReadOnlyCollection<int>? recordIds,
        CancellationToken ct = default)
    {
        var user = await RequireLeadAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await ScopeAsync(db, user, teamId, ct);
        var run = await RunAsync(db, scope.OwnerIds, ct);
        var findings = run.Findings.Where(f => rules.Contains(f.Rule) && (recordIds == null || recordIds.Contains(f.RecordId)))
            .DistinctBy(f => (f.Rule, f.Subject, f.RecordId)).ToList();
        if (recordIds is not null && findings.DistinctBy(f => f.RecordId).Count() < recordIds.Count)
            throw new DomainException("Часть выбранных записей уже исправлена или вам недоступна — обновите страницу.");
        var open = await db.Tasks.AsNoTracking().Where(t => t.Kind == TaskKind.DataFix && t.Status == TaskState.Open && t.FixRule != null && rules.Contains(t.FixRule.Value))
            .Select(t => new { t.FixRule, t.DealId, t.ClientId }).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var due = now.AddDays(FixDueDays);
        var given = new List<(QualityRule Rule, int Assignee)>();
        foreach (var f in findings)
        {
            var dealId = f.Subject == QualitySubject.Deal ? f.RecordId : (int?)null;
            var clientId = f.Subject == QualitySubject.Client ? f.RecordId : f.ClientId;
            if (open.Any(o => o.FixRule == f.Rule && (f.Subject == QualitySubject.Deal ? o.DealId == dealId : o.ClientId == clientId && o.DealId == null))) continue;
            var assignee = f.Rule == QualityRule.DuplicateClient ? user.ManagerId : f.OwnerId;
            db.Tasks.Add(TaskItem.DataFix(f.Rule, FixTitle(f.Rule), assignee, user.ManagerId, due, dealId, clientId,
                $"{QualityCatalogue.Of(f.Rule).Description} {f.Detail}".Trim(), now));
            given.Add((f.Rule, assignee));
        }
        foreach (var owner in given.Where(g => g.Assignee != user.ManagerId).GroupBy(g => g.Assignee))
        {
            var title = owner.Select(g => g.Rule).Distinct().Count() == 1 ? QualityCatalogue.Of(owner.First().Rule).Title : "несколько правил";
            db.Notifications.Add(new Notification(owner.Key, NotificationKind.Task, $"Исправить данные: {title}",
                $"{user.FullName}: записей — {owner.Count()}, срок {TimeZoneInfo.ConvertTimeFromUtc(due, options.TimeZone):dd.MM.yyyy}", "/tasks", null, now));
        }
        await db.SaveChangesAsync(ct);
        return new FixTasksResult(given.Count, findings.Count - given.Count);
    }

    /// <summary>
    /// Which of the open data-fix <paramref name="tasks"/> still point at a record that breaks their rule. The rules run over
    /// the team of each record's owner (a duplicate pair may span two managers of a team), once per team.
    /// </summary>
    internal async Task<HashSet<int>> StillFailingAsync(CrmDbContext db, IReadOnlyCollection<TaskItem> tasks, CancellationToken ct)
    {
        var failing = new HashSet<int>();
        var fixes = tasks.Where(t => t.FixRule is not null).ToList();
        if (fixes.Count == 0) return failing;
        var dealIds = fixes.Where(t => t.DealId is not null).Select(t => t.DealId!.Value).ToList();
        var clientIds = fixes.Where(t => t.ClientId is not null).Select(t => t.ClientId!.Value).ToList();
        var owners = await db.Deals.AsNoTracking().Where(d => dealIds.Contains(d.Id)).Select(d => d.OwnerId)
            .Concat(db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).Select(c => c.OwnerId)).Distinct().ToListAsync(ct);
        var teams = await db.Managers.AsNoTracking().Where(m => owners.Contains(m.Id)).Select(m => m.TeamId).Distinct().ToListAsync(ct);
        var findings = new List<QualityFinding>();
        foreach (var team in teams)
        {
            var members = team is null ? owners : await db.Managers.AsNoTracking().Where(m => m.TeamId == team).Select(m => m.Id).ToListAsync(ct);
            findings.AddRange((await RunAsync(db, members, ct)).Findings);
        }
        foreach (var t in fixes)
        {
            var subject = QualityCatalogue.Of(t.FixRule!.Value).Subject;
            var record = subject == QualitySubject.Deal ? t.DealId : t.ClientId;
            if (findings.Any(f => f.Rule == t.FixRule && f.Subject == subject && f.RecordId == record)) failing.Add(t.Id);
        }
        return failing;
    }

    public static string FixTitle(QualityRule rule) => $"Исправить: {QualityCatalogue.Of(rule).Title}";

    /// <summary>The teams the user may pick on /quality.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> TeamsAsync(CancellationToken ct = default)
    {
        var user = await RequireLeadAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Dashboard.DashboardQueries.TeamsOfAsync(db, user, ct);
    }

    /// <summary>Writes today's score of every team and its managers once (the unique index keeps it once across nodes).</summary>
    public async Task<int> SnapshotAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = options.Today(time.GetUtcNow().UtcDateTime);
        var done = await db.QualitySnapshots.AsNoTracking().Where(s => s.Day == today && s.ManagerId == 0).Select(s => s.TeamId).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => !done.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        var written = 0;
        foreach (var teamId in teams)
        {
            var owners = await db.Managers.AsNoTracking().Where(m => m.TeamId == teamId).Select(m => m.Id).ToListAsync(ct);
            var run = await RunAsync(db, owners, ct);
            await using var write = await factory.CreateDbContextAsync(ct);
            write.QualitySnapshots.Add(new QualitySnapshot(today, teamId, 0, run.PerOwner.Values.Sum(v => v.Checked), run.PerOwner.Values.Sum(v => v.Failing)));
            foreach (var (owner, (total, failing)) in run.PerOwner) write.QualitySnapshots.Add(new QualitySnapshot(today, teamId, owner, total, failing));
            try
            {
                await write.SaveChangesAsync(ct);
                written++;
            }
            catch (DbUpdateException)
            {
                // Another node wrote this team's snapshot for today first.
            }
        }
        return written;
    }

    /// <summary>Every finding and the per-owner counts for the owners (null: everybody).</summary>
    internal async Task<QualityRun> RunAsync(CrmDbContext db, IReadOnlyList<int>? owners, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = options.Today(now);
        var findings = new List<QualityFinding>();

        var clients = await db.Clients.AsNoTracking().Where(c => owners == null || owners.Contains(c.OwnerId))
            .Select(c => new
            {
                c.Id, c.Name, c.Inn, c.Industry, c.Region, c.Phone, c.Email, c.OwnerId,
                Contacts = db.Contacts.Count(x => x.ClientId == c.Id),
                DecisionMaker = db.Contacts.Any(x => x.ClientId == c.Id && x.IsDecisionMaker),
                Reachable = db.Contacts.Any(x => x.ClientId == c.Id && (x.Phone != null || x.Email != null)),
            }).ToListAsync(ct);
        foreach (var c in clients)
        foreach (var rule in QualityRules.Check(new ClientFacts(c.Id, c.Name, c.Inn, c.Industry, c.Region, c.Phone, c.Email, c.Contacts, c.DecisionMaker, c.Reachable)))
            findings.Add(new QualityFinding(rule, QualitySubject.Client, c.Id, c.Name, c.OwnerId, ClientDetail(rule, c.Inn), c.Id));

        var deals = await db.Deals.AsNoTracking().Where(d => owners == null || owners.Contains(d.OwnerId))
            .Select(d => new
            {
                d.Id, d.ClientId, ClientName = d.Client!.Name, Product = d.Product!.Name, d.OwnerId, d.Stage, HasProposal = d.Proposal != null, d.ApprovalState,
                d.LossReason, d.LossComment, d.ExpectedCloseDate,
                NextStep = db.Tasks.OpenSteps().Any(t => t.DealId == d.Id && t.DueAt > now),
            }).ToListAsync(ct);
        var dealById = deals.ToDictionary(d => d.Id);
        foreach (var d in deals)
        foreach (var rule in QualityRules.Check(new DealFacts(d.Id, d.Stage, d.HasProposal, d.ApprovalState, d.LossReason, d.LossComment, d.ExpectedCloseDate, d.NextStep), today))
            findings.Add(new QualityFinding(rule, QualitySubject.Deal, d.Id, $"{d.ClientName} · {d.Product}", d.OwnerId, DealDetail(rule, d.Stage, d.ExpectedCloseDate), d.ClientId));

        // Workflow, from the history: proposals marked sent while an approval was pending or refused.
        var requests = await db.ApprovalRequests.AsNoTracking()
            .Where(r => owners == null || db.Deals.Any(d => d.Id == r.DealId && owners.Contains(d.OwnerId)))
            .Select(r => new ApprovalFact(r.DealId, r.CreatedAt, r.State, r.DecidedAt)).ToListAsync(ct);
        var withRequests = requests.Select(r => r.DealId).Distinct().ToList();
        var sent = await db.DealStageChanges.AsNoTracking().Where(h => h.To == StageCode.ProposalSent && withRequests.Contains(h.DealId))
            .Select(h => new { h.DealId, h.At }).ToListAsync(ct);
        foreach (var s in sent.Where(s => dealById.ContainsKey(s.DealId) && QualityRules.SentWithoutApproval(s.At, requests.Where(r => r.DealId == s.DealId)))
                     .DistinctBy(s => s.DealId))
        {
            var d = dealById[s.DealId];
            findings.Add(new QualityFinding(QualityRule.ProposalSentWithoutApproval, QualitySubject.Deal, d.Id, $"{d.ClientName} · {d.Product}", d.OwnerId,
                $"КП отправлено {TimeZoneInfo.ConvertTimeFromUtc(s.At, options.TimeZone):dd.MM.yyyy}", d.ClientId));
        }

        // Workflow: hand-overs without a reason, and owner changes in the audit trail that no hand-over explains.
        var clientIds = clients.Select(c => c.Id).ToHashSet();
        var clientNames = clients.ToDictionary(c => c.Id, c => (c.Name, c.OwnerId));
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => a.FromManagerId != null && (a.Subject == AssignmentSubject.Deal || a.Subject == AssignmentSubject.Client)
                        && a.Reason == AssignmentReason.Other && (a.Comment == null || a.Comment == ""))
            .Select(a => new { a.Subject, a.DealId, a.ClientId, a.FromManagerId, a.Reason, a.Comment, a.At }).ToListAsync(ct);
        var ownerChanges = await db.AuditEntries.AsNoTracking()
            .Where(a => (a.EntityType == "Deal" || a.EntityType == "Client") && a.Field == "OwnerId" && a.Action == AuditAction.Modified)
            .Select(a => new { a.EntityType, a.EntityId, a.NewValue, a.At }).ToListAsync(ct);
        var explained = ownerChanges.Count == 0 ? [] : await db.Assignments.AsNoTracking()
            .Where(a => a.Subject == AssignmentSubject.Deal || a.Subject == AssignmentSubject.Client)
            .Select(a => new { a.Subject, a.DealId, a.ClientId, a.ToManagerId, a.At }).ToListAsync(ct);
        var changes = assignments.Select(a => (Fact: new OwnerChangeFact(a.Subject == AssignmentSubject.Deal ? QualitySubject.Deal : QualitySubject.Client,
                a.Subject == AssignmentSubject.Deal ? a.DealId!.Value : a.ClientId!.Value, a.FromManagerId, a.Reason, a.Comment, true), a.At))
            .Concat(ownerChanges.Select(o =>
            {
                var subject = o.EntityType == "Deal" ? QualitySubject.Deal : QualitySubject.Client;
                var id = int.Parse(o.EntityId, System.Globalization.CultureInfo.InvariantCulture);
                var to = int.TryParse(o.NewValue, out var n) ? n : -1;
                var has = explained.Any(a => (subject == QualitySubject.Deal ? a.DealId == id : a.ClientId == id && a.DealId == null)
                                             && a.ToManagerId == to && Math.Abs((a.At - o.At).TotalMinutes) < 2);
                return (Fact: new OwnerChangeFact(subject, id, null, null, null, has), o.At);
            }));
        foreach (var (fact, at) in changes.Where(c => QualityRules.WithoutReason(c.Fact)).DistinctBy(c => (c.Fact.Subject, c.Fact.RecordId)))
        {
            if (fact.Subject == QualitySubject.Deal && dealById.TryGetValue(fact.RecordId, out var d))
                findings.Add(new QualityFinding(QualityRule.ReassignmentWithoutReason, QualitySubject.Deal, d.Id, $"{d.ClientName} · {d.Product}", d.OwnerId,
                    $"передача {TimeZoneInfo.ConvertTimeFromUtc(at, options.TimeZone):dd.MM.yyyy}", d.ClientId));
            else if (fact.Subject == QualitySubject.Client && clientNames.TryGetValue(fact.RecordId, out var c))
                findings.Add(new QualityFinding(QualityRule.ReassignmentWithoutReason, QualitySubject.Client, fact.RecordId, c.Name, c.OwnerId,
                    $"передача {TimeZoneInfo.ConvertTimeFromUtc(at, options.TimeZone):dd.MM.yyyy}", fact.RecordId));
        }

        // Duplicates: within the scope (both records must be the user's to merge them).
        var candidates = clients.Select(c => new DuplicateCandidate(c.Id, c.Name, c.Inn, c.Phone, c.Email)).ToList();
        var pairs = ClientDuplicates.Find(candidates);
        var duplicates = pairs.Select(p => new DuplicateInfo(p.FirstId, clientNames[p.FirstId].Name, p.SecondId, clientNames[p.SecondId].Name, p.Reason, p.Similarity))
            .ToList();
        foreach (var p in pairs)
        {
            var second = clientNames[p.SecondId];
            findings.Add(new QualityFinding(QualityRule.DuplicateClient, QualitySubject.Client, p.SecondId, second.Name, second.OwnerId,
                DuplicateText(p.Reason, clientNames[p.FirstId].Name), p.SecondId, p.FirstId));
        }

        // The score: the share of checked records (the owners' clients and deals) passing every rule.
        var failingClients = findings.Where(f => f.Subject == QualitySubject.Client).Select(f => f.RecordId).ToHashSet();
        var failingDeals = findings.Where(f => f.Subject == QualitySubject.Deal).Select(f => f.RecordId).ToHashSet();
        var perOwner = clients.Select(c => (c.OwnerId, Failing: failingClients.Contains(c.Id)))
            .Concat(deals.Select(d => (d.OwnerId, Failing: failingDeals.Contains(d.Id))))
            .GroupBy(x => x.OwnerId)
            .ToDictionary(g => g.Key, g => (Checked: g.Count(), Failing: g.Count(x => x.Failing)));
        return new QualityRun(findings, duplicates, perOwner);
    }

    private static string DuplicateText(DuplicateReason reason, string other) => reason switch
    {
        DuplicateReason.SameInn => $"тот же ИНН, что у «{other}»",
        DuplicateReason.SamePhone => $"тот же телефон, что у «{other}»",
        DuplicateReason.SameEmail => $"тот же e-mail, что у «{other}»",
        _ => $"название похоже на «{other}»",
    };

    private static string ClientDetail(QualityRule rule, string? inn) => rule == QualityRule.ClientInnInvalid
        ? string.IsNullOrWhiteSpace(inn) ? "ИНН не указан" : $"ИНН {inn}: {Inn.Validate(inn)}"
        : "";

    private string DealDetail(QualityRule rule, StageCode stage, DateTime expectedClose) => rule switch
    {
        QualityRule.DealCloseDatePassed => $"ожидалось {expectedClose:dd.MM.yyyy}",
        QualityRule.DealStageInconsistent => stage.RequiresProposal() ? "КП не подготовлено или условия не согласованы" : "",
        _ => "",
    };

    internal async Task<(int? TeamId, string Name, IReadOnlyList<int>? OwnerIds)> ScopeAsync(CrmDbContext db, CurrentUser user, int? teamId, CancellationToken ct)
    {
        var scope = await Dashboard.DashboardQueries.ScopeAsync(db, user, teamId, ct);
        return (scope.TeamId, scope.Name, scope.OwnerIds);
    }

    internal Task<CurrentUser> RequireLeadAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Quality", "open",
        "Качество данных проверяют старший менеджер и начальник отдела.", ct);
}
