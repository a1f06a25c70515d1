using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SalesCrm.Data.Common;
using SalesCrm.Data.Dashboard;
using SalesCrm.Domain.Common;

namespace SalesCrm.Bench;

/// <summary>
/// The dashboard's figures for the whole department (the head's view, the heaviest), as DashboardQueries runs
/// them through EF Core, each next to its floor: the same figure computed by one hand-written SQL statement.
/// </summary>
[MemoryDiagnoser]
public class DashboardBenchmarks
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
    private ReportingPeriod _month = default!;
    private ReportingPeriod _quarter = default!;
    private IReadOnlyList<StageInfo> _stages = [];
    private DateTime _now;

    [ParamsSource(nameof(Sizes))]
    public int Deals { get; set; }

    public static IEnumerable<int> Sizes => Program.Sizes;

    [GlobalSetup]
    public void Setup()
    {
        _now = TimeProvider.System.GetUtcNow().UtcDateTime;
        _month = ReportingPeriod.Containing(PeriodKind.Month, _now, Moscow);
        _quarter = ReportingPeriod.Containing(PeriodKind.Quarter, _now, Moscow);
        using var db = BenchData.Open(Deals);
        _stages = db.Stages.OrderBy(s => s.Order).Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToList();
    }

    // ------------------------------------------------------------ funnel: count, premium, weighted per stage

    [Benchmark(Description = "Funnel totals (EF)")]
    public async Task<int> FunnelTotals()
    {
        await using var db = BenchData.Open(Deals);
        return (await DashboardQueries.StageTotalsAsync(db, null, _month, CancellationToken.None)).Count;
    }

    [Benchmark(Description = "Funnel totals (floor SQL)")]
    public Task<int> FunnelTotalsFloor() => FloorAsync("""
        SELECT Stage, COUNT(*), SUM(PremiumKopecks), SUM(PremiumKopecks * Probability) / 100
        FROM Deals WHERE Stage IN (1, 2, 3, 4, 5, 6) GROUP BY Stage
        UNION ALL
        SELECT Stage, COUNT(*), SUM(PremiumKopecks), SUM(PremiumKopecks * Probability) / 100
        FROM Deals WHERE Stage IN (7, 8) AND ClosedAt >= @from AND ClosedAt < @to GROUP BY Stage
        """, ("@from", _month.FromUtc), ("@to", _month.ToUtc));

    // ------------------------------------------------------------ funnel: stage conversion in the period

    [Benchmark(Description = "Stage conversion (EF)")]
    public async Task<int> Conversion()
    {
        await using var db = BenchData.Open(Deals);
        return (await DashboardQueries.ConversionAsync(db, null, _month, CancellationToken.None)).Count;
    }

    [Benchmark(Description = "Stage conversion (floor SQL)")]
    public Task<int> ConversionFloor() => FloorAsync("""
        SELECT c.[To], COUNT(DISTINCT c.DealId), COUNT(DISTINCT CASE WHEN c.Progressed THEN c.DealId END)
        FROM DealStageChanges c
        WHERE c.At >= @from AND c.At < @to AND c.[To] NOT IN (7, 8)
        GROUP BY c.[To]
        """, ("@from", _month.FromUtc), ("@to", _month.ToUtc));

    // ------------------------------------------------------------ forecast: won + weighted open vs plan (quarter)

    [Benchmark(Description = "Forecast, quarter (EF)")]
    public async Task<long> Forecast()
    {
        await using var db = BenchData.Open(Deals);
        return (await DashboardQueries.ForecastAsync(db, null, _quarter, CancellationToken.None)).ForecastKopecks;
    }

    [Benchmark(Description = "Forecast, quarter (floor SQL)")]
    public Task<int> ForecastFloor() => FloorAsync("""
        SELECT (SELECT COALESCE(SUM(PremiumKopecks), 0) FROM Deals WHERE Stage = 7 AND ClosedAt >= @from AND ClosedAt < @to),
               (SELECT COALESCE(SUM(PremiumKopecks * Probability), 0) / 100 FROM Deals
                 WHERE Stage NOT IN (7, 8) AND ExpectedCloseDate >= @first AND ExpectedCloseDate < @after),
               (SELECT COALESCE(SUM(TargetKopecks), 0) FROM Plans WHERE Year * 100 + Month IN (@m1, @m2, @m3))
        """, ("@from", _quarter.FromUtc), ("@to", _quarter.ToUtc), ("@first", _quarter.FirstDateUtc), ("@after", _quarter.AfterLastDateUtc),
        ("@m1", Month(0)), ("@m2", Month(1)), ("@m3", Month(2)));

    // ------------------------------------------------------------ stuck list: count + 50 longest-stuck with names

    [Benchmark(Description = "Stuck list (EF)")]
    public async Task<int> Stuck()
    {
        await using var db = BenchData.Open(Deals);
        return (await DashboardQueries.StuckAsync(db, null, _stages, _now, 50, CancellationToken.None)).Total;
    }

    [Benchmark(Description = "Stuck list (floor SQL)")]
    public Task<int> StuckFloor()
    {
        var where = string.Join(" OR ", _stages.Where(s => s.Code is not SalesCrm.Domain.Deals.StageCode.Won and not SalesCrm.Domain.Deals.StageCode.Lost)
            .Select(s => $"(d.Stage = {(int)s.Code} AND d.StageEnteredAt <= @c{(int)s.Code})"));
        var args = _stages.Select(s => ($"@c{(int)s.Code}", (object)SalesCrm.Domain.Deals.PipelineFigures.StuckIfEnteredBefore(_now, s.StuckAfterDays))).ToArray();
        return FloorAsync($"""
            SELECT d.Id, c.Name, p.Name, d.OwnerId, m.FullName, d.Stage, d.StageEnteredAt, d.PremiumKopecks,
                   (SELECT COUNT(*) FROM Deals d WHERE {where})
            FROM (SELECT * FROM Deals d WHERE {where} ORDER BY d.StageEnteredAt, d.Id LIMIT 50) d
            JOIN Clients c ON c.Id = d.ClientId JOIN Products p ON p.Id = d.ProductId JOIN Managers m ON m.Id = d.OwnerId
            ORDER BY d.StageEnteredAt, d.Id
            """, args);
    }

    private int Month(int offset)
    {
        var m = _quarter.FirstDay.AddMonths(offset);
        return m.Year * 100 + m.Month;
    }

    private async Task<int> FloorAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(BenchData.ConnectionString(Deals));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value is DateTime dt ? dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) : value);
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows++;
        return rows;
    }
}
