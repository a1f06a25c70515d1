using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Bench;

/// <summary>
/// The deal-list query (the <c>/deals</c> grid: count + one page with client, product, owner and next step)
/// as DealService runs it, at each dataset size; with a hand-written SQL statement of the same page as the floor.
/// </summary>
[MemoryDiagnoser]
public class DealListBenchmarks
{
    private CurrentUser _head = default!;
    private CurrentUser _manager = default!;
    private DateTime _now;

    [ParamsSource(nameof(Sizes))]
    public int Deals { get; set; }

    public static IEnumerable<int> Sizes => Program.Sizes;

    [GlobalSetup]
    public void Setup()
    {
        _head = BenchData.UserAsync(Deals, "head@demo.salescrm").GetAwaiter().GetResult();
        _manager = BenchData.UserAsync(Deals, "m1@demo.salescrm").GetAwaiter().GetResult();
        _now = TimeProvider.System.GetUtcNow().UtcDateTime;
    }

    private async Task<int> ListAsync(CurrentUser user, DealListQuery query)
    {
        await using var db = BenchData.Open(Deals);
        var page = await DealService.ListAsync(db, user, query, _now, new CrmOptions(), CancellationToken.None);
        return page.Items.Count + page.Total;
    }

    [Benchmark(Description = "Head: first page of all deals (count + 25 rows)")]
    public Task<int> HeadFirstPage() => ListAsync(_head, new DealListQuery { PageSize = 25 });

    [Benchmark(Description = "Manager m1: first page of own deals")]
    public Task<int> ManagerFirstPage() => ListAsync(_manager, new DealListQuery { PageSize = 25 });

    [Benchmark(Description = "Head: stage = Proposal sent, sorted by premium")]
    public Task<int> HeadStageByPremium() =>
        ListAsync(_head, new DealListQuery { PageSize = 25, Stage = StageCode.ProposalSent, Sort = DealSort.Premium, Descending = true });

    [Benchmark(Description = "Head: page 40, sorted by expected close")]
    public Task<int> HeadDeepPage() =>
        ListAsync(_head, new DealListQuery { PageSize = 25, Page = 40, Sort = DealSort.ExpectedClose, Descending = false });

    [Benchmark(Baseline = true, Description = "Floor: hand-written SQL, head first page (count + 25 rows)")]
    public async Task<int> FloorHeadFirstPage()
    {
        await using var connection = new SqliteConnection(BenchData.ConnectionString(Deals));
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Deals";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await using var page = connection.CreateCommand();
        page.CommandText = """
            SELECT d.Id, d.ClientId, c.Name, c.Inn, p.Name, d.OwnerId, m.FullName, d.Stage, d.PremiumKopecks, d.Probability,
                   d.ExpectedCloseDate, d.StageEnteredAt,
                   (SELECT MIN(t.DueAt) FROM Tasks t WHERE t.DealId = d.Id AND t.Status = 1)
            FROM Deals d
            JOIN Clients c ON c.Id = d.ClientId
            JOIN Products p ON p.Id = d.ProductId
            JOIN Managers m ON m.Id = d.OwnerId
            ORDER BY d.Id DESC LIMIT 25
            """;
        var rows = 0;
        await using var reader = await page.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows++;
        return total + rows;
    }
}
