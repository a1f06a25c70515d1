using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Quality;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Quality;

public sealed record AuditItemInfo(int Id, int ClientId, string ClientName, AuditVerdict Verdict, string? Comment, DateTime? CheckedAt);

public sealed record AuditInfo(int Id, int ManagerId, string ManagerName, string AuthorName, DateTime CreatedAt, IReadOnlyList<AuditItemInfo> Items)
{
    public int Done => Items.Count(i => i.Verdict != AuditVerdict.Pending);
    public int NeedsFix => Items.Count(i => i.Verdict == AuditVerdict.NeedsFix);
}

/// <summary>
/// Sampling audits: the team lead draws N client cards of a manager at random and marks each "checked" or "needs
/// fixing" (with what); a card that needs fixing becomes a "data fix" task for its owner.
/// </summary>
public sealed class QualityAuditService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security)
{
    public async Task<int> StartAsync(int managerId, int size, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        if (size is < 1 or > QualityAudit.MaxSample) throw new DomainException(new UserText("Сколько карточек проверить: от 1 до {0}.", QualityAudit.MaxSample), "Size");
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureManagerAsync(db, user, managerId, ct);
        var ids = await db.Clients.AsNoTracking().Where(c => c.OwnerId == managerId).Select(c => c.Id).ToListAsync(ct);
        var sample = ids.OrderBy(_ => Random.Shared.Next()).Take(size).ToList();
        var audit = new QualityAudit(managerId, user.ManagerId, sample, time.GetUtcNow().UtcDateTime);
        db.QualityAudits.Add(audit);
        await db.SaveChangesAsync(ct);
        return audit.Id;
    }

    public async Task<IReadOnlyList<AuditInfo>> ListAsync(int? teamId, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await Dashboard.DashboardQueries.ScopeAsync(db, user, teamId, ct);
        var audits = await db.QualityAudits.AsNoTracking().Include(a => a.Items)
            .Where(a => scope.OwnerIds == null || scope.OwnerIds.Contains(a.ManagerId))
            .OrderByDescending(a => a.CreatedAt).Take(20).ToListAsync(ct);
        var names = await db.Managers.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.FullName, ct);
        var clientIds = audits.SelectMany(a => a.Items).Select(i => i.ClientId).Distinct().ToList();
        var clients = await db.Clients.IgnoreQueryFilters().AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return audits.Select(a => new AuditInfo(a.Id, a.ManagerId, names.GetValueOrDefault(a.ManagerId, "?"), names.GetValueOrDefault(a.AuthorId, "?"), a.CreatedAt,
            a.Items.OrderBy(i => i.Id).Select(i => new AuditItemInfo(i.Id, i.ClientId, clients.GetValueOrDefault(i.ClientId, "?"), i.Verdict, i.Comment, i.CheckedAt))
                .ToList())).ToList();
    }

    public async Task MarkAsync(int auditId, int itemId, AuditVerdict verdict, string? comment, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var audit = await db.QualityAudits.Include(a => a.Items).SingleOrDefaultAsync(a => a.Id == auditId, ct)
                    ?? throw new NotFoundException("Проверка не найдена.");
        await EnsureManagerAsync(db, user, audit.ManagerId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        audit.Mark(itemId, verdict, comment, now);
        if (verdict == AuditVerdict.NeedsFix)
        {
            var item = audit.Items.Single(i => i.Id == itemId);
            var owner = await db.Clients.AsNoTracking().Where(c => c.Id == item.ClientId).Select(c => (int?)c.OwnerId).SingleOrDefaultAsync(ct) ?? audit.ManagerId;
            db.Tasks.Add(new TaskItem(TaskKind.DataFix, "Исправить карточку клиента по итогам проверки", owner, user.ManagerId, now.AddDays(QualityService.FixDueDays),
                null, item.ClientId, item.Comment, now));
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task EnsureManagerAsync(CrmDbContext db, CurrentUser user, int managerId, CancellationToken ct)
    {
        var manager = await db.Managers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == managerId, ct) ?? throw new NotFoundException("Менеджер не найден.");
        if (user.SeesEverything || (user.Role == StaffRole.TeamLead && manager.TeamId == user.TeamId)) return;
        await security.AccessDeniedAsync(user.Actor, nameof(Manager), managerId.ToString(System.Globalization.CultureInfo.InvariantCulture), "quality audit", ct);
        throw new AccessDeniedException("Этот менеджер не из вашей команды.");
    }

    private Task<CurrentUser> RequireAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Quality", "audit",
        "Проверки карточек проводят старший менеджер и начальник отдела.", ct);
}

/// <summary>Once a day (checked hourly) writes the data quality score of every team for the trend.</summary>
public sealed class QualitySnapshotScan(IServiceScopeFactory scopes) : IPeriodicScan
{
    public string Name => "quality snapshot";

    public TimeSpan Every => TimeSpan.FromHours(1);

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<QualityService>().SnapshotAsync(ct);
    }
}
