using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SalesCrm.Data;

namespace SalesCrm.Tests.Support;

/// <summary>
/// What the database holds, in one comparable string: the row count of every table of the model and, where a table has
/// a version token, the sum of the versions (so an update shows too). Every change is also audited, so an audit row
/// written by a refused operation shows here as well. Used to prove that bad input wrote nothing, not even half. The
/// connectors' counters are left out: counting a refusal is what they are for.
/// </summary>
public static class DatabaseFingerprint
{
    public static async Task<string> TakeAsync(CrmDbContext db)
    {
        var parts = new List<string>();
        foreach (var table in db.Model.GetEntityTypes()
                     .Where(t => t.GetTableName() is not null && !t.IsOwned() && t.ClrType != typeof(SalesCrm.Domain.Integrations.ConnectorState))
                     .GroupBy(t => t.GetTableName()!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versioned = table.Any(t => t.FindProperty("Version") is { } p && p.ClrType == typeof(int));
            var sql = versioned
                ? $"SELECT COUNT(*) * 1000000007 + COALESCE(SUM(\"Version\"), 0) AS \"Value\" FROM \"{table.Key}\""
                : $"SELECT COUNT(*) AS \"Value\" FROM \"{table.Key}\"";
            var value = await db.Database.SqlQueryRaw<long>(sql).SingleAsync();
            parts.Add($"{table.Key}={value}");
        }
        return string.Join(" ", parts);
    }
}
