using Microsoft.Data.Sqlite;

namespace SalesCrm.Tests.Support;

/// <summary>
/// Another process's long write on a SQLite database (a backup tool, a script, a stuck import): a connection of its own,
/// not pooled, holding an open write transaction until disposed. Readers go on (WAL); every writer waits for it.
/// </summary>
public sealed class SqliteWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private SqliteWriteLock(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<SqliteWriteLock> HoldAsync(string connectionString)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        var transaction = connection.BeginTransaction(deferred: false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "UPDATE Teams SET Name = Name;";
            await command.ExecuteNonQueryAsync();
        }
        return new SqliteWriteLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
