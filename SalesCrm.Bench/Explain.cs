using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Common;

namespace SalesCrm.Bench;

/// <summary>--explain: prints the SQL EF Core sends for the dashboard's queries and SQLite's plan for each.</summary>
public static class Explain
{
    public static async Task RunAsync(int deals)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using var db = BenchData.Open(deals);
        var stages = await db.Stages.OrderBy(s => s.Order).Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync();
        var stuck = db.Deals.Where(DashboardQueries.StuckPredicate(stages, now));
        await PrintAsync(deals, "stuck count", stuck.Select(d => d.Id).ToQueryString());
        await PrintAsync(deals, "stuck page", stuck.OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id).Take(50)
            .Select(d => new { d.Id, Client = d.Client!.Name, Owner = d.Owner!.FullName }).ToQueryString());
    }

    private static async Task PrintAsync(int deals, string title, string sql)
    {
        Console.WriteLine($"-- {title}\n{sql}");
        await using var connection = new SqliteConnection(BenchData.ConnectionString(deals));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var body = string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        command.CommandText = "EXPLAIN QUERY PLAN " + body;
        foreach (var line in sql.Split('\n').Where(l => l.StartsWith(".param set", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', 4);
            command.Parameters.AddWithValue(parts[2], parts[3].Trim('\''));
        }
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) Console.WriteLine("   plan: " + reader.GetString(3));
    }
}
