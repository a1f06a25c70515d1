using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Renewals;

/// <summary>
/// Renewal control (docs/features.md): contracts ending within the horizon with their renewal deal and task, the
/// clients' churn risk with every factor, the red zone, renewal work per manager, churn rate and repeat-purchase share.
/// A manager sees their own contracts, a team lead the team's, the head everything.
/// </summary>
public sealed class RenewalService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, CrmOptions options, SecurityLog security)
{
    public async Task<RenewalBoard> BoardAsync(int horizonDays, ReportingPeriod period, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        horizonDays = Math.Clamp(horizonDays, 1, 366);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = options.Today(now);
        var owners = user.VisibleOwnerIds;
        var contracts = await RowsAsync(db, owners, today, today.AddDays(horizonDays), now, ct);
        var maxHorizon = Math.Max(horizonDays, options.Renewals.HorizonsDays.DefaultIfEmpty(90).Max());
        var wide = maxHorizon == horizonDays ? contracts : await RowsAsync(db, owners, today, today.AddDays(maxHorizon), now, ct);
        var red = wide.Where(r => r.Churn.RedZone).GroupBy(r => r.ClientId).Select(g => g.OrderBy(r => r.DaysLeft).First())
            .OrderByDescending(r => r.Churn.Score).ThenBy(r => r.DaysLeft).ToList();
        return new RenewalBoard(horizonDays, contracts, red, await ActivityAsync(db, owners, today, now, ct), await FiguresAsync(db, owners, period, ct),
            user.Role is StaffRole.TeamLead or StaffRole.Head, owners);
    }

    /// <summary>Exactly the rows of the list, for the Excel export.</summary>
    public async Task<IReadOnlyList<RenewalRow>> ListAsync(int horizonDays, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = options.Today(now);
        return await RowsAsync(db, user.VisibleOwnerIds, today, today.AddDays(Math.Clamp(horizonDays, 1, 366)), now, ct);
    }

    private Task<CurrentUser> RequireAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.WorksSales,
        "Renewals", "open", "Пролонгации видят менеджеры и руководители продаж.", ct);

    private async Task<List<RenewalRow>> RowsAsync(CrmDbContext db, IReadOnlyList<int>? owners, DateTime today, DateTime until, DateTime now,
        CancellationToken ct)
    {
        var raw = await (from c in db.Contracts.AsNoTracking()
                         join cl in db.Clients on c.ClientId equals cl.Id
                         join p in db.Products on c.ProductId equals p.Id
                         join m in db.Managers on c.OwnerId equals m.Id
                         where c.State == ContractState.Active && c.EndDate >= today && c.EndDate <= until && (owners == null || owners.Contains(c.OwnerId))
                         orderby c.EndDate, c.Id
                         select new
                         {
                             c.Id, c.Number, c.ClientId, Client = cl.Name, Product = p.Name, c.PremiumKopecks, c.OwnerId, Owner = m.FullName, c.EndDate, c.RenewalDealId,
                             Stage = db.Deals.Where(d => d.Id == c.RenewalDealId).Select(d => (StageCode?)d.Stage).FirstOrDefault(),
                             TaskOpen = db.Tasks.Any(t => t.Kind == TaskKind.Renewal && t.ClientId == c.ClientId && t.Status == TaskState.Open && t.DueAt >= now),
                             TaskOverdue = db.Tasks.Any(t => t.Kind == TaskKind.Renewal && t.ClientId == c.ClientId && t.Status == TaskState.Open && t.DueAt < now),
                             TaskDone = db.Tasks.Any(t => t.Kind == TaskKind.Renewal && t.ClientId == c.ClientId && t.Status == TaskState.Done),
                             Offer = db.CompetitorOffers.Any(o => o.DealId == c.RenewalDealId),
                         }).Take(2_000).ToListAsync(ct);
        var clients = raw.Select(r => r.ClientId).Distinct().ToList();
        var churn = await ChurnInputsAsync(db, clients, now, today, ct);
        return raw.Select(r =>
        {
            var input = churn[r.ClientId] with { CompetitorOfferOnRenewal = r.Offer, RenewalTaskOverdue = r.TaskOverdue };
            var status = r.TaskOverdue ? RenewalTaskStatus.Overdue : r.TaskOpen ? RenewalTaskStatus.Open : r.TaskDone ? RenewalTaskStatus.Done : RenewalTaskStatus.None;
            return new RenewalRow(r.Id, r.Number, r.ClientId, r.Client, r.Product, r.PremiumKopecks, r.OwnerId, r.Owner, r.EndDate,
                (int)(r.EndDate.Date - today).TotalDays, r.RenewalDealId, r.Stage, status, ChurnRisk.Score(input, options.Renewals.RedZone));
        }).ToList();
    }

    /// <summary>The churn factors that come from the client (signals, touches, loss history); the renewal's own are added per row.</summary>
    private static async Task<Dictionary<int, ChurnInput>> ChurnInputsAsync(CrmDbContext db, List<int> clients, DateTime now, DateTime today,
        CancellationToken ct)
    {
        var since90 = now.AddDays(-90);
        var since180 = now.AddDays(-180);
        var complaints = await db.ClientSignals.AsNoTracking().Where(s => clients.Contains(s.ClientId) && s.Kind == ClientSignalKind.Complaint && s.At >= since90)
            .GroupBy(s => s.ClientId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var dmChanged = (await db.ClientSignals.AsNoTracking()
            .Where(s => clients.Contains(s.ClientId) && s.Kind == ClientSignalKind.DecisionMakerChange && s.At >= since180)
            .Select(s => s.ClientId).Distinct().ToListAsync(ct)).ToHashSet();
        var touches = await db.Activities.AsNoTracking()
            .Where(a => a.OccurredAt >= now.AddDays(-180) && a.Kind != ActivityKind.Note
                        && (clients.Contains(a.ClientId!.Value) || db.Deals.Any(d => d.Id == a.DealId && clients.Contains(d.ClientId))))
            .Select(a => new { Client = a.ClientId ?? db.Deals.Where(d => d.Id == a.DealId).Select(d => d.ClientId).First(), Recent = a.OccurredAt >= since90 })
            .GroupBy(a => new { a.Client, a.Recent }).Select(g => new { g.Key.Client, g.Key.Recent, Count = g.Count() }).ToListAsync(ct);
        var year = today.Year - 1;   // the department's last year: at 00:30 on 1 January in Moscow, UTC is still in the year before
        var losses = await db.PremiumLossYears.AsNoTracking().Where(p => clients.Contains(p.ClientId) && (p.Year == year || p.Year == year - 1))
            .Select(p => new { p.ClientId, p.Year, p.PremiumsKopecks, p.LossesKopecks }).ToListAsync(ct);
        double? Ratio(int client, int y) => losses.FirstOrDefault(l => l.ClientId == client && l.Year == y) is { PremiumsKopecks: > 0 } l
            ? (double)l.LossesKopecks / l.PremiumsKopecks
            : null;
        return clients.ToDictionary(c => c, c => new ChurnInput(complaints.GetValueOrDefault(c), dmChanged.Contains(c),
            touches.Where(t => t.Client == c && t.Recent).Sum(t => t.Count), touches.Where(t => t.Client == c && !t.Recent).Sum(t => t.Count),
            Ratio(c, year), Ratio(c, year - 1), false, false));
    }

    private static async Task<List<RenewalActivityRow>> ActivityAsync(CrmDbContext db, IReadOnlyList<int>? owners, DateTime today, DateTime now,
        CancellationToken ct)
    {
        var managers = await db.Managers.AsNoTracking().Where(m => m.IsActive && (m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead)
                                                                   && (owners == null || owners.Contains(m.Id)))
            .OrderBy(m => m.FullName).Select(m => new { m.Id, m.FullName }).ToListAsync(ct);
        var ids = managers.Select(m => m.Id).ToList();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.Kind == TaskKind.Renewal && ids.Contains(t.AssigneeId))
            .GroupBy(t => t.AssigneeId)
            .Select(g => new
            {
                g.Key,
                Done = g.Count(t => t.Status == TaskState.Done),
                Open = g.Count(t => t.Status == TaskState.Open && t.DueAt >= now),
                Overdue = g.Count(t => t.Status == TaskState.Open && t.DueAt < now),
            }).ToDictionaryAsync(x => x.Key, ct);
        var soon = today.AddDays(30);
        var quietSince = now.AddDays(-14);
        var silent = await db.Contracts.AsNoTracking()
            .Where(c => c.State == ContractState.Active && c.EndDate >= today && c.EndDate <= soon && ids.Contains(c.OwnerId)
                        && !db.Activities.Any(a => a.OccurredAt >= quietSince && (a.ClientId == c.ClientId || db.Deals.Any(d => d.Id == a.DealId && d.ClientId == c.ClientId))))
            .GroupBy(c => c.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return managers.Where(m => tasks.ContainsKey(m.Id) || silent.ContainsKey(m.Id)).Select(m =>
        {
            tasks.TryGetValue(m.Id, out var t);
            return new RenewalActivityRow(m.Id, m.FullName, t?.Done ?? 0, t?.Open ?? 0, t?.Overdue ?? 0, silent.GetValueOrDefault(m.Id));
        }).ToList();
    }

    /// <summary>Churn rate and repeat-purchase share of a period and of the one before, for the contracts and clients in scope.</summary>
    internal async Task<RetentionFiguresRow> FiguresAsync(CrmDbContext db, IReadOnlyList<int>? owners, ReportingPeriod period, CancellationToken ct)
    {
        var previous = period.Previous(options.TimeZone);
        var today = options.Today(time.GetUtcNow().UtcDateTime);
        async Task<ChurnCount> ChurnAsync(ReportingPeriod p)
        {
            var first = p.FirstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var after = p.AfterLastDateUtc;
            var due = await db.Contracts.AsNoTracking().Where(c => c.EndDate >= first && c.EndDate < after && (owners == null || owners.Contains(c.OwnerId)))
                .Select(c => new { c.EndDate, c.State }).ToListAsync(ct);
            return RetentionFigures.Churn(due.Select(c => (c.EndDate, c.State)), today);
        }
        async Task<double?> RepeatAsync(ReportingPeriod p)
        {
            var won = db.Deals.AsNoTracking().Where(d => d.Stage == StageCode.Won && d.ClosedAt < p.ToUtc && (owners == null || owners.Contains(d.OwnerId)))
                .GroupBy(d => d.ClientId).Select(g => g.Count());
            return RetentionFigures.RepeatPurchaseShare(await won.CountAsync(ct), await won.CountAsync(n => n >= 2, ct));
        }
        var churn = await ChurnAsync(period);
        var before = await ChurnAsync(previous);
        return new RetentionFiguresRow(churn.Ended, churn.Renewed, churn.Rate, before.Ended, before.Renewed, before.Rate, await RepeatAsync(period),
            await RepeatAsync(previous), churn.Running);
    }
}
