using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SalesCrm.Data.Providers;

/// <summary>
/// Every SQLite connection's settings:
/// <list type="bullet">
/// <item><c>synchronous=NORMAL</c> (WAL mode): a commit no longer waits for an fsync of the log (only checkpoints do). The
/// database cannot be corrupted by a crash; a power cut may lose the last moments of commits. The documented setting for
/// WAL; it roughly doubles write throughput here (see README, Decisions).</item>
/// <item><c>mmap_size</c>: pages are read from a memory map of the file instead of one read call each (decision 0016); an
/// index lookup per deal of a team (a client's risk) costs a third of the time at a million deals.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public static SqliteConnectionPragmas Instance { get; } = new();

    /// <summary>Up to 16 GiB of the file mapped (address space, not memory: the pages stay the operating system's cache).</summary>
    public const long MapSize = 16L * 1024 * 1024 * 1024;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA mmap_size={MapSize};";
        command.ExecuteNonQuery();
    }
}
