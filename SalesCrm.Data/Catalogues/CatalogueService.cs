using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Catalogues;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Catalogues;

/// <summary>A reason category as the department names it.</summary>
public sealed record ReasonEntry(int Code, string DefaultName, string Name, bool IsActive, bool Edited, bool CanRetire);

public sealed record CompetitorEntry(int Id, string Name, bool IsActive, int Offers);

/// <summary>
/// The catalogues of /admin: loss reasons and reassignment reasons (the department's names for the fixed categories, and
/// which are offered), and competitors. Everyone reads them (the dialogs offer them); the head and the administrator
/// change them. A retired reason is refused by the services too, not only hidden in the dialogs.
/// </summary>
public sealed class CatalogueService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IDomainEventPublisher events,
    TimeProvider time)
{
    public async Task<IReadOnlyList<ReasonEntry>> ReasonsAsync(CatalogueKind kind, CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await ReasonsAsync(db, kind, ct);
    }

    internal static async Task<IReadOnlyList<ReasonEntry>> ReasonsAsync(CrmDbContext db, CatalogueKind kind, CancellationToken ct)
    {
        var edits = await db.CatalogueEntries.AsNoTracking().Where(e => e.Kind == kind && e.Code != null).ToDictionaryAsync(e => e.Code!.Value, ct);
        IEnumerable<(int Code, string Name)> defaults = kind switch
        {
            CatalogueKind.LossReason => Enum.GetValues<LossReason>().Select(r => ((int)r, r.Russian())),
            CatalogueKind.AssignmentReason => Enum.GetValues<AssignmentReason>().Select(r => ((int)r, r.Russian())),
            _ => throw new DomainException("Это не справочник причин.", "Kind"),
        };
        return defaults.Select(d => edits.TryGetValue(d.Code, out var e)
            ? new ReasonEntry(d.Code, d.Name, e.Name, e.IsActive, true, e.CanRetire)
            : new ReasonEntry(d.Code, d.Name, d.Name, true, false, d.Code != 99)).ToList();
    }

    /// <summary>Refuses a reason the department retired (a stale dialog or a crafted call).</summary>
    internal static async Task EnsureOfferedAsync(CrmDbContext db, CatalogueKind kind, int code, string field, CancellationToken ct)
    {
        if (await db.CatalogueEntries.AsNoTracking().AnyAsync(e => e.Kind == kind && e.Code == code && !e.IsActive, ct))
            throw new DomainException("Эта причина больше не используется в отделе — выберите другую.", field);
    }

    public async Task SetReasonAsync(CatalogueKind kind, int code, string name, bool active, CancellationToken ct = default)
    {
        await RequireEditorAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (kind == CatalogueKind.Competitor) throw new DomainException("Это не справочник причин.", "Kind");
        if ((await ReasonsAsync(db, kind, ct)).Any(r => r.Code != code && string.Equals(r.Name, (name ?? "").Trim(), StringComparison.CurrentCultureIgnoreCase)))
            throw new DomainException("Причина с таким названием уже есть.", nameof(CatalogueEntry.Name));
        var entry = await db.CatalogueEntries.SingleOrDefaultAsync(e => e.Kind == kind && e.Code == code, ct);
        if (entry is null) db.CatalogueEntries.Add(new CatalogueEntry(kind, code, name, active));
        else entry.Change(name, active);
        await SaveAsync(db, ct);
    }

    public async Task<IReadOnlyList<CompetitorEntry>> CompetitorsAsync(bool activeOnly, CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var entries = await db.CatalogueEntries.AsNoTracking().Where(e => e.Kind == CatalogueKind.Competitor && (!activeOnly || e.IsActive))
            .OrderBy(e => e.Name).ToListAsync(ct);
        var names = entries.Select(e => e.Name).ToList();
        var offers = await db.Set<CompetitorOffer>().AsNoTracking().Where(o => names.Contains(o.Competitor))
            .GroupBy(o => o.Competitor).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return entries.Select(e => new CompetitorEntry(e.Id, e.Name, e.IsActive, offers.GetValueOrDefault(e.Name))).ToList();
    }

    public async Task<int> AddCompetitorAsync(string name, CancellationToken ct = default)
    {
        await RequireEditorAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var entry = new CatalogueEntry(CatalogueKind.Competitor, null, name);
        await EnsureUniqueAsync(db, entry.Name, null, ct);
        db.CatalogueEntries.Add(entry);
        await SaveAsync(db, ct);
        return entry.Id;
    }

    /// <summary>Renames or retires a competitor; a rename carries the offers already written under the old name.</summary>
    public async Task UpdateCompetitorAsync(int id, string name, bool active, CancellationToken ct = default)
    {
        await RequireEditorAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var entry = await db.CatalogueEntries.SingleOrDefaultAsync(e => e.Id == id && e.Kind == CatalogueKind.Competitor, ct)
                    ?? throw new NotFoundException("Конкурент не найден.");
        var old = entry.Name;
        entry.Change(name, active);
        await EnsureUniqueAsync(db, entry.Name, id, ct);
        // The entry and the offers written under the old name change together; open pages hear of it after the commit.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            if (old != entry.Name)
                await db.Set<CompetitorOffer>().Where(o => o.Competitor == old).ExecuteUpdateAsync(s => s.SetProperty(o => o.Competitor, entry.Name), ct);
            await tx.CommitAsync(ct);
        }
        await events.PublishAsync([new SettingsChanged("catalogues", time.GetUtcNow().UtcDateTime)], ct);
    }

    /// <summary>The catalogue's spelling of a competitor typed into an offer ("ингосстрах" → "Ингосстрах"), or the text as typed.</summary>
    internal static async Task<string> CanonicalCompetitorAsync(CrmDbContext db, string typed, CancellationToken ct)
    {
        var clean = (typed ?? "").Trim();
        var names = await db.CatalogueEntries.AsNoTracking().Where(e => e.Kind == CatalogueKind.Competitor).Select(e => e.Name).ToListAsync(ct);
        return names.FirstOrDefault(n => string.Equals(n, clean, StringComparison.CurrentCultureIgnoreCase)) ?? clean;
    }

    private static async Task EnsureUniqueAsync(CrmDbContext db, string name, int? except, CancellationToken ct)
    {
        var names = await db.CatalogueEntries.AsNoTracking().Where(e => e.Kind == CatalogueKind.Competitor && e.Id != except).Select(e => e.Name).ToListAsync(ct);
        if (names.Any(n => string.Equals(n, name.Trim(), StringComparison.CurrentCultureIgnoreCase)))
            throw new DomainException("Такой конкурент уже есть в справочнике.", nameof(CatalogueEntry.Name));
    }

    private async Task SaveAsync(CrmDbContext db, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await events.PublishAsync([new SettingsChanged("catalogues", time.GetUtcNow().UtcDateTime)], ct);
    }

    private Task<CurrentUser> RequireEditorAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.ConfiguresDepartment,
        "Catalogue", "edit", "Справочники ведут начальник отдела и администратор.", ct);
}
