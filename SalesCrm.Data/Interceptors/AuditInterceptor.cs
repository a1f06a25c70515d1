using System.Collections;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Interceptors;

/// <summary>
/// Writes an <see cref="AuditEntry"/> (who, when, entity, field, old, new) for every change saved
/// through a <see cref="CrmDbContext"/>. Changes and deletions are recorded in the same save; a
/// creation is recorded right after the insert (when its key is known) inside the same transaction,
/// so the record and its audit trail commit together or not at all.
/// </summary>
public sealed class AuditInterceptor(TimeProvider time) : SaveChangesInterceptor
{
    private static readonly HashSet<string> SkippedFields = [nameof(IVersioned.Version)];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is CrmDbContext db)
        {
            Collect(db);
            if (db.AuditState is { Added.Count: > 0 } state && db.Database.CurrentTransaction is null)
                state.OwnTransaction = db.Database.BeginTransaction();
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CrmDbContext db)
        {
            Collect(db);
            if (db.AuditState is { Added.Count: > 0 } state && db.Database.CurrentTransaction is null)
                state.OwnTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is CrmDbContext { AuditState: { } state } db && !state.Writing)
        {
            try
            {
                if (WriteCreations(db, state)) db.SaveChanges();
                state.OwnTransaction?.Commit();
            }
            catch
            {
                state.OwnTransaction?.Rollback();
                throw;
            }
            finally
            {
                state.OwnTransaction?.Dispose();
                db.AuditState = null;
            }
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CrmDbContext { AuditState: { } state } db && !state.Writing)
        {
            try
            {
                if (WriteCreations(db, state)) await db.SaveChangesAsync(cancellationToken);
                if (state.OwnTransaction is not null) await state.OwnTransaction.CommitAsync(cancellationToken);
            }
            catch
            {
                if (state.OwnTransaction is not null) await state.OwnTransaction.RollbackAsync(CancellationToken.None);
                throw;
            }
            finally
            {
                if (state.OwnTransaction is not null) await state.OwnTransaction.DisposeAsync();
                db.AuditState = null;
            }
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is CrmDbContext { AuditState: { Writing: false, OwnTransaction: { } tx } })
        {
            tx.Rollback();
            tx.Dispose();
        }
        Abandon(eventData.Context);
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CrmDbContext { AuditState: { Writing: false, OwnTransaction: { } tx } })
        {
            await tx.RollbackAsync(CancellationToken.None);
            await tx.DisposeAsync();
        }
        Abandon(eventData.Context);
    }

    private static void Abandon(DbContext? context)
    {
        if (context is CrmDbContext { AuditState.Writing: false } db) db.AuditState = null;
    }

    private void Collect(CrmDbContext db)
    {
        if (db.BulkLoad || db.AuditState is { Writing: true }) return;
        db.ChangeTracker.DetectChanges();
        var now = time.GetUtcNow().UtcDateTime;
        var state = new AuditState(now);
        var entries = db.ChangeTracker.Entries().ToList();
        // A replaced owned part (e.g. a revised proposal) shows as the old one deleted and a new one added.
        var replaced = entries
            .Where(e => e.State == EntityState.Deleted && e.Metadata.IsOwned())
            .ToDictionary(e => (e.Metadata.ClrType, OwnerOf(e).Id));
        foreach (var entry in entries)
        {
            if (entry.Entity is AuditEntry || !IsAudited(entry)) continue;
            switch (entry.State)
            {
                case EntityState.Added when !entry.Metadata.IsOwned():
                    state.Added.Add(entry);
                    break;
                case EntityState.Added:
                    replaced.TryGetValue((entry.Metadata.ClrType, OwnerOf(entry).Id), out var previous);
                    AddFieldChanges(db, entry, previous, now);
                    break;
                case EntityState.Modified:
                    AddFieldChanges(db, entry, entry, now);
                    break;
                case EntityState.Deleted when !entry.Metadata.IsOwned():
                    db.AuditEntries.Add(new AuditEntry(TypeName(entry), KeyOf(entry), AuditAction.Deleted, null,
                        Describe(entry), null, db.Actor.ManagerId, db.Actor.Name, now));
                    break;
            }
        }
        db.AuditState = state;
    }

    /// <summary>
    /// Business records are audited; the audit trail itself, the bell's notifications, the connectors' counters and an import's
    /// own bookkeeping (its files, progress and the table of imported IDs — the imported records themselves are audited) and the
    /// openings of a proposal's link (the document counts them) are not.
    /// </summary>
    private static bool IsAudited(EntityEntry entry) =>
        entry.Entity is not (Domain.Notifications.Notification or Domain.Integrations.ConnectorState
            or Domain.Imports.ImportedRecord or Domain.Imports.ImportRun or Domain.Imports.ImportFile
            or Domain.Proposals.ProposalOpening)
        && (entry.Metadata.ClrType.Namespace?.StartsWith("SalesCrm.Domain", StringComparison.Ordinal) == true || entry.Metadata.IsOwned());

    /// <summary>One audit row per field whose value differs from <paramref name="before"/> (null: a new owned part).</summary>
    private static void AddFieldChanges(CrmDbContext db, EntityEntry entry, EntityEntry? before, DateTime now)
    {
        var (type, id, prefix) = OwnerOf(entry);
        foreach (var property in entry.Properties)
        {
            var meta = property.Metadata;
            if (meta.IsPrimaryKey() || meta.IsShadowProperty() || SkippedFields.Contains(meta.Name)) continue;
            if (ReferenceEquals(before, entry) && !property.IsModified) continue;
            var oldValue = before is null ? null : Format(before.Property(meta.Name).OriginalValue);
            var newValue = Format(property.CurrentValue);
            if (oldValue == newValue) continue;
            if (IsSensitive(meta)) (oldValue, newValue) = (Mask(oldValue), Mask(newValue));
            db.AuditEntries.Add(new AuditEntry(type, id, AuditAction.Modified, prefix + meta.Name, oldValue, newValue,
                db.Actor.ManagerId, db.Actor.Name, now));
        }
    }

    private static bool WriteCreations(CrmDbContext db, AuditState state)
    {
        if (state.Added.Count == 0) return false;
        state.Writing = true;
        foreach (var entry in state.Added)
        {
            db.AuditEntries.Add(new AuditEntry(TypeName(entry), KeyOf(entry), AuditAction.Created, null, null,
                Describe(entry), db.Actor.ManagerId, db.Actor.Name, state.Now));
        }
        return true;
    }

    /// <summary>An owned part (e.g. a deal's proposal) is audited as a field group of its owner.</summary>
    private static (string Type, string Id, string Prefix) OwnerOf(EntityEntry entry)
    {
        var ownership = entry.Metadata.FindOwnership();
        if (ownership is null) return (TypeName(entry), KeyOf(entry), "");
        var ownerId = string.Join(",", ownership.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue)));
        return (ownership.PrincipalEntityType.ClrType.Name, ownerId, ownership.PrincipalToDependent?.Name + ".");
    }

    private static string TypeName(EntityEntry entry) => entry.Metadata.ClrType.Name;

    private static string KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        return key is null ? "" : string.Join(",", key.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue)));
    }

    /// <summary>A short, readable summary of a created or deleted record: its scalar values (a sensitive one masked).</summary>
    private static string Describe(EntityEntry entry) =>
        string.Join("; ", entry.Properties
            .Where(p => !p.Metadata.IsPrimaryKey() && !p.Metadata.IsShadowProperty() && p.CurrentValue is not null
                        && !SkippedFields.Contains(p.Metadata.Name))
            .Select(p => $"{p.Metadata.Name}={(IsSensitive(p.Metadata) ? Mask(Format(p.CurrentValue)) : Format(p.CurrentValue))}"));

    private static bool IsSensitive(Microsoft.EntityFrameworkCore.Metadata.IProperty property) =>
        property.PropertyInfo?.IsDefined(typeof(SensitiveAttribute), inherit: true) == true;

    private static string? Mask(string? value) => value is null ? null : "•••";

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        byte[] bytes => $"{bytes.Length} bytes", // a file's content: its size tells the change, its bytes would flood the trail
        IEnumerable e => string.Join(", ", e.Cast<object?>().Select(Format)),
        _ => value.ToString(),
    };
}

/// <summary>What the audit interceptor carries from "saving" to "saved" for one save.</summary>
internal sealed class AuditState(DateTime now)
{
    public DateTime Now { get; } = now;
    public List<EntityEntry> Added { get; } = [];
    public IDbContextTransaction? OwnTransaction { get; set; }
    /// <summary>The interceptor's own follow-up save is running.</summary>
    public bool Writing { get; set; }
}
