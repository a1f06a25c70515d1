using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SalesCrm.Data.Demo;

/// <summary>
/// Writes what a context tracks as added with one prepared INSERT per table, reused row after row in one transaction —
/// the way a bulk loader writes, instead of EF Core's per-save command building and key read-back (decision 0015).
/// Keys are handed out ahead (the table's largest key, then counting up), so dependents get their foreign keys before
/// anything is written and nothing is read back. Columns, value conversions and parameter types come from the EF Core
/// model, so a row is stored as <c>SaveChanges</c> would store it. The demo and the benchmark datasets are generated with it
/// into SQLite (<see cref="Supports"/>); other providers save through EF Core. The import benchmark also uses it on PostgreSQL
/// as its bare baseline (a throw-away database: the identity sequences are not moved on).
/// </summary>
internal sealed class BulkInsert
{
    private readonly Dictionary<string, long> _nextKey = [];
    private readonly Dictionary<IEntityType, (TableWriter Table, IProperty[] Properties, int[] Columns)> _types = [];

    /// <summary>Whether <paramref name="db"/> can be written this way.</summary>
    public static bool Supports(CrmDbContext db) => db.Database.IsSqlite();

    /// <summary>Writes every added entry of <paramref name="db"/> and marks them saved.</summary>
    public async Task SaveAsync(CrmDbContext db, CancellationToken ct)
    {
        // Like SaveChanges, unless the context was told its entities are added fully formed (the generator's are).
        if (db.ChangeTracker.AutoDetectChangesEnabled) db.ChangeTracker.DetectChanges();
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        if (added.Count == 0) return;
        if (_types.Count == 0) Prepare(db.Model);
        await db.Database.OpenConnectionAsync(ct);
        AssignKeys(db, added);
        var rows = Rows(added);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Rows of one chunk refer to each other (a deal and its history): the foreign keys are checked at the commit. Elsewhere
        // (the import benchmark's baseline on PostgreSQL) the entries are added parents first, and the tables are written in that order.
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA defer_foreign_keys = ON;", ct);
        var connection = db.Database.GetDbConnection();
        foreach (var (table, tableRows) in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = table.Sql;
            var parameters = table.Columns.Select((c, i) => c.Mapping.CreateParameter(command, "@p" + i, null, nullable: true)).ToArray();
            command.Parameters.AddRange(parameters);
            foreach (var row in tableRows.Values)
            {
                for (var i = 0; i < parameters.Length; i++) parameters[i].Value = table.Columns[i].ToProvider(row[i]);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
        db.ChangeTracker.AcceptAllChanges();
    }

    /// <summary>
    /// Runs <paramref name="load"/> with the secondary indexes of every table dropped, then builds them again: one sort per
    /// index instead of a B-tree insert per row and index. A unique index that no longer holds fails to build, and the load
    /// with it.
    /// </summary>
    public static async Task WithoutIndexesAsync(Func<CrmDbContext> open, Func<Task> load, Func<Func<Task>, Task> rebuild, CancellationToken ct)
    {
        List<(string Name, string Sql)> indexes;
        await using (var db = open())
        {
            if (!Supports(db))
            {
                await load();
                return;
            }
            indexes = [];
            await db.Database.OpenConnectionAsync(ct);
            await using (var command = db.Database.GetDbConnection().CreateCommand())
            {
                command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (name, _) in indexes) await ExecuteAsync(db, $"DROP INDEX \"{name}\"", ct);
        }
        await load();
        await rebuild(async () =>
        {
            await using var db = open();
            await db.Database.OpenConnectionAsync(ct);
            foreach (var (_, sql) in indexes) await ExecuteAsync(db, sql, ct);
        });
    }

    /// <summary>Runs a statement of the database's own schema (names and definitions read from sqlite_master, never from input).</summary>
    private static async Task ExecuteAsync(CrmDbContext db, string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Gives every added entry with a temporary key its real one; EF Core carries it into the dependents' foreign keys.</summary>
    private void AssignKeys(CrmDbContext db, List<EntityEntry> added)
    {
        foreach (var entry in added)
        {
            var key = entry.Metadata.FindPrimaryKey();
            if (key is not { Properties.Count: 1 } || entry.Metadata.IsOwned()) continue;
            var property = entry.Property(key.Properties[0]);
            if (!property.IsTemporary) continue;
            var table = entry.Metadata.GetTableName()!;
            if (!_nextKey.TryGetValue(table, out var next))
            {
                using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"SELECT COALESCE(MAX(\"{key.Properties[0].GetColumnName()}\"), 0) FROM \"{table}\"";
                next = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) + 1;
            }
            property.CurrentValue = Convert.ChangeType(next, key.Properties[0].ClrType, CultureInfo.InvariantCulture);
            property.IsTemporary = false;
            _nextKey[table] = next + 1;
        }
    }

    /// <summary>
    /// The rows to write, per table, each row the columns of every entry stored in it (an owned part kept in its owner's row
    /// adds its columns to the owner's).
    /// </summary>
    private List<(TableWriter Table, Dictionary<RowKey, object?[]> Rows)> Rows(List<EntityEntry> added)
    {
        var tables = new List<(TableWriter Table, Dictionary<RowKey, object?[]> Rows)>();
        foreach (var entry in added)
        {
            var (table, properties, columns) = _types[entry.Metadata];
            var index = tables.FindIndex(t => t.Table == table);
            if (index < 0)
            {
                tables.Add((table, new Dictionary<RowKey, object?[]>()));
                index = tables.Count - 1;
            }
            var keyProperties = entry.Metadata.FindPrimaryKey()!.Properties;
            var values = entry.CurrentValues;
            var key = new RowKey(values[keyProperties[0]], keyProperties.Count > 1 ? values[keyProperties[1]] : null,
                keyProperties.Count > 2 ? values[keyProperties[2]] : null);
            if (!tables[index].Rows.TryGetValue(key, out var row)) tables[index].Rows[key] = row = new object?[table.Columns.Count];
            for (var i = 0; i < columns.Length; i++)
                if (columns[i] >= 0) row[columns[i]] = values[properties[i]];
        }
        return tables;
    }

    /// <summary>The statement of every table of the model, all its columns whichever entity types share it, and where each type's properties go.</summary>
    private void Prepare(IModel model)
    {
        foreach (var group in model.GetEntityTypes().Where(t => t.GetTableName() is not null).GroupBy(t => (t.GetTableName()!, t.GetSchema())))
        {
            var store = StoreObjectIdentifier.Table(group.Key.Item1, group.Key.Item2);
            var columns = new List<Column>();
            foreach (var property in group.SelectMany(t => t.GetProperties()))
            {
                var name = property.GetColumnName(store);
                if (name is null || columns.Any(c => c.Name == name)) continue;
                columns.Add(new Column(name, (RelationalTypeMapping)property.GetRelationalTypeMapping()));
            }
            var sql = $"INSERT INTO \"{group.Key.Item1}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
            var table = new TableWriter(sql, columns);
            foreach (var type in group)
            {
                var properties = type.GetProperties().ToArray();
                _types[type] = (table, properties, properties.Select(p => p.GetColumnName(store) is { } name ? columns.FindIndex(c => c.Name == name) : -1).ToArray());
            }
        }
    }

    private sealed record Column(string Name, RelationalTypeMapping Mapping)
    {
        /// <summary>The value as the provider stores it, as EF Core's parameters carry it.</summary>
        public object ToProvider(object? value)
        {
            if (value is null) return DBNull.Value;
            if (Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
            else if (value is Enum) value = Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), CultureInfo.InvariantCulture);
            return value ?? DBNull.Value;
        }
    }

    private sealed record TableWriter(string Sql, List<Column> Columns);

    private readonly record struct RowKey(object? First, object? Second, object? Third);
}
