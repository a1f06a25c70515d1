using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SalesCrm.Data.Providers;

/// <summary>
/// Every SQLite connection's settings:
/// <list type="bullet">
/// <item><c>synchronous=NORMAL</c> (WAL mode): a commit no longer waits for an fsync of the log (only checkpoints do). The
/// database cannot be corrupted by a crash; a power cut may lose the last moments of commits. The documented setting for
/// WAL; it roughly doubles write throughput here (see README, Decisions).</item>
/// <item>No memory map of the file (<c>mmap_size</c> stays 0): measured, it made single queries faster and the loaded
/// department slower (decision 0016).</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public static SqliteConnectionPragmas Instance { get; } = new();

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
