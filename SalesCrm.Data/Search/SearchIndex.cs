using Microsoft.EntityFrameworkCore;

namespace SalesCrm.Data.Search;

/// <summary>
/// The text index of the app bar's search, kept by the database itself so that every way a record is written (a screen, an
/// import, an integration, the demo loader) is found at once:
/// <list type="bullet">
/// <item>SQLite: an FTS5 table with the trigram tokenizer (a substring of three characters or more, any case), one row per
/// client, contact and lead, filled and followed by triggers. Its rowid is the record's id × 4 + its kind, so a change
/// rewrites one row.</item>
/// <item>PostgreSQL: pg_trgm and GIN trigram indexes on the searched columns, which serve <c>ILIKE '%…%'</c>.</item>
/// <item>SQL Server: the columns are searched with <c>LIKE</c> (its default collation ignores case).</item>
/// </list>
/// It is made after the migrations, not in them, so that the one Initial migration per provider (decision 0010) stays as
/// EF Core generates it.
/// </summary>
public static class SearchIndex
{
    public const int ClientKind = 0;
    public const int ContactKind = 1;
    public const int LeadKind = 2;

    private static string Digits(string column) =>
        $"replace(replace(replace(replace(replace(ifnull({column}, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '')";

    private static readonly (string Table, int Kind, string Body)[] Sources =
    [
        ("Clients", ClientKind, $"R.Name || ' ' || ifnull(R.Inn, '') || ' ' || ifnull(R.Phone, '') || ' ' || {Digits("R.Phone")} || ' ' || ifnull(R.Email, '')"),
        ("Contacts", ContactKind, "R.FullName || ' ' || ifnull(R.Phone, '') || ' ' || ifnull(R.PhoneNormalized, '') || ' ' || ifnull(R.Email, '')"),
        ("Leads", LeadKind, "ifnull(R.CompanyName, '') || ' ' || ifnull(R.ContactName, '') || ' ' || ifnull(R.Inn, '') || ' ' || ifnull(R.Phone, '') || ' ' "
                            + "|| ifnull(R.PhoneNormalized, '') || ' ' || ifnull(R.Email, '')"),
    ];

    private static readonly (string Table, string Column)[] TrigramColumns =
    [
        ("Clients", "Name"), ("Clients", "Inn"), ("Clients", "Phone"), ("Clients", "Email"),
        ("Contacts", "FullName"), ("Contacts", "PhoneNormalized"), ("Contacts", "Email"),
        ("Leads", "CompanyName"), ("Leads", "ContactName"), ("Leads", "Inn"), ("Leads", "PhoneNormalized"), ("Leads", "Email"),
    ];

    /// <summary>Creates the index where it is missing and fills it from the records; a database that has it is left as it is.</summary>
    public static async Task EnsureAsync(CrmDbContext db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            var exists = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'SearchText'")
                .SingleAsync(ct);
            if (exists > 0) return;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("CREATE VIRTUAL TABLE SearchText USING fts5(Body, tokenize = 'trigram')", ct);
            foreach (var (table, kind, body) in Sources)
            {
                string Row(string alias) => body.Replace("R.", alias + ".", StringComparison.Ordinal);
                var key = $"{{0}}.Id * 4 + {kind}";
                // Statements of the app's own schema: table and column names from this class, never from input.
                string[] statements =
                [
                    $"INSERT INTO SearchText(rowid, Body) SELECT R.Id * 4 + {kind}, {body} FROM {table} R",
                    $"CREATE TRIGGER SearchText_{table}_Insert AFTER INSERT ON {table} BEGIN INSERT INTO SearchText(rowid, Body) VALUES ({string.Format(null, key, "new")}, {Row("new")}); END",
                    $"CREATE TRIGGER SearchText_{table}_Update AFTER UPDATE ON {table} BEGIN DELETE FROM SearchText WHERE rowid = {string.Format(null, key, "old")}; "
                    + $"INSERT INTO SearchText(rowid, Body) VALUES ({string.Format(null, key, "new")}, {Row("new")}); END",
                    $"CREATE TRIGGER SearchText_{table}_Delete AFTER DELETE ON {table} BEGIN DELETE FROM SearchText WHERE rowid = {string.Format(null, key, "old")}; END",
                ];
                foreach (var statement in statements) await db.Database.ExecuteSqlRawAsync(statement, ct);
            }
            await tx.CommitAsync(ct);
        }
        else if (db.Database.IsNpgsql())
        {
            // pg_trgm is a trusted extension: the database's owner may create it.
            await db.Database.ExecuteSqlRawAsync("CREATE EXTENSION IF NOT EXISTS pg_trgm", ct);
            foreach (var statement in TrigramColumns.Select(t =>
                         $"CREATE INDEX IF NOT EXISTS \"IX_Search_{t.Table}_{t.Column}\" ON \"{t.Table}\" USING gin (\"{t.Column}\" gin_trgm_ops)"))
                await db.Database.ExecuteSqlRawAsync(statement, ct);
            // A client's phone is stored as typed: its digits are searched through an index of the same expression.
            await db.Database.ExecuteSqlRawAsync(
                "CREATE INDEX IF NOT EXISTS \"IX_Search_Clients_PhoneDigits\" ON \"Clients\" USING gin ((replace(replace(replace(replace(replace(\"Phone\", ' ', ''), '-', ''), '(', ''), ')', ''), '+', '')) gin_trgm_ops)", ct);
        }
    }
}
