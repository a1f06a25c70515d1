using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Demo;
using SalesCrm.Data.Providers;

namespace SalesCrm.Bench;

/// <summary>
/// Benchmark datasets: SQLite files made by the app's own demo generator (DemoScale.ForBenchmark),
/// cached under artifacts/bench so that a million deals are generated once, not per run.
/// </summary>
public static class BenchData
{
    public static string Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("SALESCRM_BENCH_DIR");
            if (!string.IsNullOrEmpty(configured)) return configured;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesCrm.sln"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "bench");
        }
    }

    public static string FileFor(int deals) => Path.Combine(Folder, $"deals-{deals}.db");

    public static string ConnectionString(int deals) => $"Data Source={FileFor(deals)};Pooling=True";

    public static DbContextOptions<SqliteCrmDbContext> Options(int deals) =>
        CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(),
            new DatabaseOptions { ConnectionString = ConnectionString(deals) }).Options;

    public static CrmDbContext Open(int deals) => new SqliteCrmDbContext(Options(deals));

    /// <summary>Generates the dataset if it is not cached yet; prints how long it took.</summary>
    public static async Task EnsureAsync(int deals)
    {
        var file = FileFor(deals);
        if (File.Exists(file) && new FileInfo(file).Length > 0 && !File.Exists(file + ".partial"))
        {
            // A cached dataset gets the schema changes made since it was generated (new indexes), then fresh statistics.
            // A dataset made by a build with other migrations (they were folded into one, decision 0010) is generated anew.
            await using (var db = Open(deals))
            {
                var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
                if (pending.Count == 0) return;
                var watch0 = Stopwatch.StartNew();
                try
                {
                    await CrmDatabase.MigrateAsync(db);
                    await db.Database.ExecuteSqlRawAsync("ANALYZE;");
                    Console.WriteLine($"Migrated {file} ({string.Join(", ", pending)}) in {watch0.Elapsed.TotalSeconds:F0} s");
                    return;
                }
                catch (UnknownMigrationsException)
                {
                    Console.WriteLine($"{file} was made by another build: generating it again.");
                }
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Directory.CreateDirectory(Folder);
        foreach (var f in Directory.GetFiles(Folder, Path.GetFileName(file) + "*")) File.Delete(f);
        await File.WriteAllTextAsync(file + ".partial", "generating");
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"Generating {deals:N0} deals into {file} …");
        await using (var db = Open(deals))
        {
            await CrmDatabase.MigrateAsync(db);
            await ReferenceData.EnsureAsync(db);
        }
        var scale = deals <= 5_000 ? DemoScale.Demo with { Deals = deals, Clients = deals / 2 } : DemoScale.ForBenchmark(deals);
        await new DemoDataGenerator(() => Open(deals), TimeProvider.System) { Progress = line => Console.WriteLine("  " + line) }
            .GenerateAsync(scale);
        await using (var db = Open(deals))
        {
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        }
        SqliteConnection.ClearAllPools();
        File.Delete(file + ".partial");
        Console.WriteLine($"Generated {deals:N0} deals in {watch.Elapsed.TotalSeconds:F0} s ({new FileInfo(file).Length / 1024 / 1024:N0} MB)");
    }

    /// <summary>The data layer's view of a demo user, as the web app builds it.</summary>
    public static Task<CurrentUser> UserAsync(int deals, string email) => UserAsync(ConnectionString(deals), email);

    /// <summary>The data layer's view of a user of the database at <paramref name="connectionString"/>.</summary>
    public static async Task<CurrentUser> UserAsync(string connectionString, string email)
    {
        await using var db = new SqliteCrmDbContext(CrmDatabase.Configure(new DbContextOptionsBuilder<SqliteCrmDbContext>(),
            new DatabaseOptions { ConnectionString = connectionString }).Options);
        var me = await db.Managers.AsNoTracking().SingleAsync(m => m.Email == email);
        var team = me.TeamId is { } t ? await db.Managers.Where(m => m.TeamId == t).Select(m => m.Id).ToListAsync() : [];
        return new CurrentUser(me.Id, me.FullName, me.Email, me.Role, me.TeamId, team);
    }
}
