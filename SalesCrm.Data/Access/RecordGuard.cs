using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Access;

/// <summary>The checks every record service makes the same way: visibility, recent changes, and saving under the version token.</summary>
internal static class RecordGuard
{
    /// <summary>
    /// Passes when the record is among those the user may see; otherwise logs the attempt and throws
    /// <see cref="AccessDeniedException"/>, or <see cref="NotFoundException"/> when there is no such record.
    /// </summary>
    public static async Task EnsureVisibleAsync<T>(IQueryable<T> visible, IQueryable<T> all, Expression<Func<T, bool>> isRecord,
        SecurityLog security, CurrentUser user, string entityType, int id, string what, string denied, string notFound,
        CancellationToken ct)
    {
        if (await visible.AnyAsync(isRecord, ct)) return;
        if (!await all.AnyAsync(isRecord, ct)) throw new NotFoundException(notFound);
        await security.AccessDeniedAsync(user.Actor, entityType, Key(id), what, ct);
        throw new AccessDeniedException(denied);
    }

    /// <summary>
    /// The same check for a deal or a client — the two cards that carry comments, files and tasks — with their messages.
    /// </summary>
    public static Task EnsureVisibleAsync(CrmDbContext db, CurrentUser user, SecurityLog security, CardSubject subject, int id, string what,
        CancellationToken ct) =>
        subject == CardSubject.Deal
            ? EnsureVisibleAsync(db.Deals.VisibleTo(user, db), db.Deals, d => d.Id == id, security, user, nameof(Domain.Deals.Deal), id, what,
                "Эта сделка вам недоступна.", "Сделка не найдена.", ct)
            : EnsureVisibleAsync(db.Clients.VisibleTo(user, db), db.Clients, c => c.Id == id, security, user, nameof(Domain.Clients.Client), id, what,
                "Этот клиент вам недоступен.", "Клиент не найден.", ct);

    /// <summary>The latest audited field changes of a record, newest first (what a conflict shows).</summary>
    public static Task<List<ChangeInfo>> RecentChangesAsync(CrmDbContext db, string entityType, int id, CancellationToken ct)
    {
        var key = Key(id);
        return db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == key && a.Action == AuditAction.Modified)
            .OrderByDescending(a => a.At).Take(10)
            .Select(a => new ChangeInfo(a.At, a.ActorName, a.Field ?? "", a.OldValue, a.NewValue))
            .ToListAsync(ct);
    }

    /// <summary>Saves; a concurrent save that won the race becomes the service's conflict (with fresh values).</summary>
    public static async Task SaveAsync(CrmDbContext db, Func<Task<ConcurrencyConflictException>> conflict, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw await conflict();
        }
    }

    public static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
