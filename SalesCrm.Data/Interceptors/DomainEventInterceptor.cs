using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Interceptors;

/// <summary>
/// Publishes the domain events that entities recorded, after the data is committed and never before:
/// at the end of the save when no transaction is open, otherwise when the transaction commits.
/// A rollback discards them.
/// </summary>
public sealed class DomainEventInterceptor(IDomainEventPublisher publisher) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Harvest(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Harvest(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is CrmDbContext db && db.Database.CurrentTransaction is null)
            PublishAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CrmDbContext db && db.Database.CurrentTransaction is null)
            await PublishAsync(db, cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is CrmDbContext db && db.Database.CurrentTransaction is null) db.PendingEvents.Clear();
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is CrmDbContext db) PublishAsync(db, CancellationToken.None).GetAwaiter().GetResult();
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default) =>
        eventData.Context is CrmDbContext db ? PublishAsync(db, cancellationToken) : Task.CompletedTask;

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is CrmDbContext db) db.PendingEvents.Clear();
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private static void Harvest(DbContext? context)
    {
        if (context is not CrmDbContext db) return;
        if (db.BulkLoad)
        {
            foreach (var entry in db.ChangeTracker.Entries<Entity>()) entry.Entity.ClearDomainEvents();
            return;
        }
        // Before anything of this save is written: a result read completely before this moment cannot hold the change.
        if (db.PendingEvents.Count == 0) db.PendingSince = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var entry in db.ChangeTracker.Entries<Entity>())
        {
            if (entry.Entity.DomainEvents.Count == 0) continue;
            db.PendingEvents.AddRange(entry.Entity.DomainEvents);
            entry.Entity.ClearDomainEvents();
        }
    }

    private async Task PublishAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        if (db.PendingEvents.Count == 0) return;
        var events = db.PendingEvents.ToList();
        db.PendingEvents.Clear();
        await publisher.PublishAsync(events, db.PendingSince, cancellationToken);
    }
}

/// <summary>Receives the domain events of committed changes (the live notifier implements it).</summary>
public interface IDomainEventPublisher
{
    Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// The events of a save that began writing at <paramref name="savingSince"/> (a <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp of this process): whatever was read completely before it cannot hold these changes.
    /// </summary>
    Task PublishAsync(IReadOnlyList<IDomainEvent> events, long savingSince, CancellationToken cancellationToken) =>
        PublishAsync(events, cancellationToken);
}

/// <summary>Publishes nowhere; for tools that save without a running app (migrations, benchmarks).</summary>
public sealed class NullDomainEventPublisher : IDomainEventPublisher
{
    public static NullDomainEventPublisher Instance { get; } = new();

    public Task PublishAsync(IReadOnlyList<IDomainEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
}
