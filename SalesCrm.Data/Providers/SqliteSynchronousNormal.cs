using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SalesCrm.Data.Providers;

/// <summary>
/// SQLite in WAL mode with <c>synchronous=NORMAL</c> on every connection: a commit no longer waits for an fsync of
/// the log (only checkpoints do). The database cannot be corrupted by a crash; a power cut may lose the last
/// moments of commits. The documented setting for WAL; it roughly doubles write throughput here (see README, Decisions).
/// </summary>
public sealed class SqliteSynchronousNormal : DbConnectionInterceptor
{
    public static SqliteSynchronousNormal Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
