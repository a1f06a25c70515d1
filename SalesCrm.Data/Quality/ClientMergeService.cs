using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Quality;

/// <summary>One side of a merge as the screen shows it, with what hangs on it.</summary>
public sealed record MergeSide(int Id, int Version, string Name, string? Inn, bool InnValid, string? Kpp, string Industry, string Region, string? Phone,
    string? Email, string? Address, string OwnerName, DateTime CreatedAt, MergeCounts Counts);

/// <summary>The records of a client: what a merge moves from the duplicate to the survivor.</summary>
public sealed record MergeCounts(int Contacts, int Deals, int Contracts, int Activities, int Tasks, int Leads, int Signals, int PremiumLossYears,
    int Assignments)
{
    public int Total => Contacts + Deals + Contracts + Activities + Tasks + Leads + Signals + PremiumLossYears + Assignments;
}

public sealed record MergePreview(MergeSide Survivor, MergeSide Duplicate);

/// <summary>
/// Merges a duplicate client into the survivor (use case 8): contacts, deals, contracts, activities, tasks, leads, churn
/// signals, premium/loss years and hand-overs move to the survivor in one transaction; the survivor takes what only the
/// duplicate knew (a valid INN, phone, e-mail…); the duplicate stays in the database marked as merged — its history
/// remains readable on the survivor's timeline — and both sides get an audit entry. The versions the user saw are
/// checked, so a merge never runs over an edit made meanwhile. Team lead: clients of the team; head and admin: any.
/// </summary>
public sealed class ClientMergeService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security)
{
    public async Task<MergePreview> PreviewAsync(int survivorId, int duplicateId, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, survivorId, duplicateId, ct);
        return new MergePreview(await SideAsync(db, survivorId, ct), await SideAsync(db, duplicateId, ct));
    }

    public async Task<MergeCounts> MergeAsync(int survivorId, int survivorVersion, int duplicateId, int duplicateVersion, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        if (survivorId == duplicateId) throw new DomainException("Нельзя объединить клиента с самим собой.");
        await using var db = await factory.CreateDbContextAsync(ct);
        await EnsureVisibleAsync(db, user, survivorId, duplicateId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var survivor = await db.Clients.Include(c => c.PremiumLossYears).SingleAsync(c => c.Id == survivorId, ct);
        var duplicate = await db.Clients.Include(c => c.PremiumLossYears).SingleAsync(c => c.Id == duplicateId, ct);
        if (survivor.Version != survivorVersion || duplicate.Version != duplicateVersion)
            throw new ConcurrencyConflictException("Карточку одного из клиентов только что изменили. Обновите экран объединения и проверьте данные.");
        var moved = await CountAsync(db, duplicateId, ct);

        // Premiums and losses of a year both records know are added up into the survivor's row; the others move.
        foreach (var year in duplicate.PremiumLossYears.ToList())
        {
            var own = survivor.PremiumLossYears.FirstOrDefault(p => p.Year == year.Year);
            if (own is null) continue;
            survivor.RecordPremiumLoss(year.Year, new Money(own.PremiumsKopecks + year.PremiumsKopecks), new Money(own.LossesKopecks + year.LossesKopecks));
            db.PremiumLossYears.Remove(year);
        }
        survivor.Absorb(duplicate, now);
        var summary = $"объединён с «{duplicate.Name}» (№ {duplicate.Id}): контакты {moved.Contacts}, сделки {moved.Deals}, договоры {moved.Contracts}, "
                      + $"активности {moved.Activities}, задачи {moved.Tasks}, лиды {moved.Leads}, сигналы {moved.Signals}, годы убытков {moved.PremiumLossYears}";
        var key = survivorId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        db.AuditEntries.Add(new AuditEntry("Client", key, AuditAction.Modified, "Merge", duplicate.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            summary, user.ManagerId, user.FullName, now));
        db.AuditEntries.Add(new AuditEntry("Client", duplicate.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditAction.Modified, "MergedInto",
            null, $"«{survivor.Name}» (№ {survivorId})", user.ManagerId, user.FullName, now));
        await db.SaveChangesAsync(ct);

        // The records of the duplicate move in bulk; deals get a new version so an open card notices.
        await db.Contacts.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Deals.Where(x => x.ClientId == duplicateId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId).SetProperty(x => x.Version, x => x.Version + 1), ct);
        await db.Contracts.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Activities.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Tasks.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Leads.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.ClientSignals.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.PremiumLossYears.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Assignments.Where(x => x.ClientId == duplicateId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await db.Set<Domain.Quality.QualityAuditItem>().Where(x => x.ClientId == duplicateId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClientId, survivorId), ct);
        await tx.CommitAsync(ct);
        return moved;
    }

    /// <summary>The clients merged into <paramref name="clientId"/> (their history belongs to its timeline).</summary>
    public static Task<List<int>> MergedIntoAsync(CrmDbContext db, int clientId, CancellationToken ct) =>
        db.Clients.IgnoreQueryFilters().AsNoTracking().Where(c => c.MergedIntoId == clientId).Select(c => c.Id).ToListAsync(ct);

    /// <summary>Where a merged client lives on: the survivor's id, or null when the client was not merged.</summary>
    public static Task<int?> SurvivorOfAsync(CrmDbContext db, int clientId, CancellationToken ct) =>
        db.Clients.IgnoreQueryFilters().AsNoTracking().Where(c => c.Id == clientId).Select(c => c.MergedIntoId).SingleOrDefaultAsync(ct);

    private static async Task<MergeSide> SideAsync(CrmDbContext db, int clientId, CancellationToken ct)
    {
        var c = await db.Clients.AsNoTracking().SingleAsync(x => x.Id == clientId, ct);
        var owner = await db.Managers.AsNoTracking().Where(m => m.Id == c.OwnerId).Select(m => m.FullName).SingleAsync(ct);
        return new MergeSide(c.Id, c.Version, c.Name, c.Inn, c.HasValidInn, c.Kpp, c.Industry, c.Region, c.Phone, c.Email, c.Address, owner, c.CreatedAt,
            await CountAsync(db, clientId, ct));
    }

    private static async Task<MergeCounts> CountAsync(CrmDbContext db, int id, CancellationToken ct) => new(
        await db.Contacts.CountAsync(x => x.ClientId == id, ct),
        await db.Deals.CountAsync(x => x.ClientId == id, ct),
        await db.Contracts.CountAsync(x => x.ClientId == id, ct),
        await db.Activities.CountAsync(x => x.ClientId == id, ct),
        await db.Tasks.CountAsync(x => x.ClientId == id, ct),
        await db.Leads.CountAsync(x => x.ClientId == id, ct),
        await db.ClientSignals.CountAsync(x => x.ClientId == id, ct),
        await db.PremiumLossYears.CountAsync(x => x.ClientId == id, ct),
        await db.Assignments.CountAsync(x => x.ClientId == id, ct));

    private async Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, int survivorId, int duplicateId, CancellationToken ct)
    {
        foreach (var id in new[] { survivorId, duplicateId })
            await RecordGuard.EnsureVisibleAsync(db.Clients.VisibleTo(user, db), db.Clients, c => c.Id == id, security, user, nameof(Client), id,
                "merge", "Этот клиент не из вашей команды — объединять его вы не можете.", "Клиент не найден или уже объединён с другим.", ct);
    }

    private Task<CurrentUser> RequireAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.LeadsSales, "Client", "merge",
        "Объединять дубли могут старший менеджер и начальник отдела.", ct);
}
