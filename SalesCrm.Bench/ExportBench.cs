using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Interceptors;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Common;
using SalesCrm.Web.Api;
using SalesCrm.Web.Services.Excel;

namespace SalesCrm.Bench;

/// <summary>
/// Load scenarios for the export: the deal grid exported to .xlsx exactly as /export/deals.xlsx does it (the head, all
/// deals, sorted by premium) — wall time and the process's peak memory above its baseline, sampled every 5 ms; and the
/// weekly management pack (ReportService + the ClosedXML workbook) for the whole department.
/// </summary>
public static class ExportBench
{
    public static async Task RunAsync(int gridDeals, int packDeals)
    {
        await using (var grid = Services(gridDeals, await BenchData.UserAsync(gridDeals, "head@demo.salescrm")))
        {
            var deals = grid.GetRequiredService<DealService>();
            var stages = await grid.GetRequiredService<LookupService>().StagesAsync();
            var zone = grid.GetRequiredService<CrmOptions>().TimeZone;
            var columns = ExportEndpoints.DealColumns(new SalesCrm.Web.Resources.PoLocalizer(), stages, zone);
            await ExportOnceAsync(deals, columns, 1_000); // warm up EF and the writer
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var baseline = process.WorkingSet64;
            var peak = baseline;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    await Task.Delay(5);
                }
            });
            var read = Stopwatch.StartNew();
            var count = 0;
            await foreach (var _ in deals.ExportAsync(new DealListQuery { Sort = DealSort.Premium, Descending = true })) count++;
            read.Stop();
            Console.WriteLine($"  (the query alone: {count:N0} rows in {read.Elapsed.TotalSeconds:F2} s)");
            GC.Collect();
            process.Refresh();
            baseline = process.WorkingSet64;
            peak = baseline;
            var watch = Stopwatch.StartNew();
            var (rows, bytes) = await ExportOnceAsync(deals, columns, int.MaxValue);
            watch.Stop();
            await stop.CancelAsync();
            await sampler;
            Console.WriteLine();
            Console.WriteLine($"Grid export: {rows:N0} deals → .xlsx {bytes / 1024.0 / 1024:F1} MB in {watch.Elapsed.TotalSeconds:F2} s (goal ≤ 2 s); " +
                              $"peak memory {(peak - baseline) / 1024.0 / 1024:F0} MB above baseline (goal ≤ 100 MB)");
        }

        await using (var packs = Services(packDeals, await BenchData.UserAsync(packDeals, "head@demo.salescrm")))
        {
            var reports = packs.GetRequiredService<ReportService>();
            var zone = packs.GetRequiredService<CrmOptions>().TimeZone;
            var period = ReportingPeriod.Week(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-7), zone);
            var watch = Stopwatch.StartNew();
            var pack = await reports.BuildAsync(null, period);
            var built = watch.Elapsed;
            var book = ReportWorkbook.Build(pack, zone, new SalesCrm.Web.Resources.PoLocalizer());
            watch.Stop();
            Console.WriteLine($"Weekly pack, whole department, {packDeals:N0} deals: figures {built.TotalSeconds:F1} s, workbook {(watch.Elapsed - built).TotalSeconds:F2} s, " +
                              $"total {watch.Elapsed.TotalSeconds:F1} s ({book.Length / 1024} KB, {pack.Burning.Count} burning deals, {pack.Plan.Count} managers)");
        }
    }

    private static async Task<(int Rows, long Bytes)> ExportOnceAsync(DealService deals, IReadOnlyList<GridColumn<DealRow>> columns, int limit)
    {
        var path = Path.GetTempFileName();
        try
        {
            int rows;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                rows = await XlsxWriter.WriteAsync(file, "Сделки", "Сделки · бенчмарк", columns,
                    Take(deals.ExportAsync(new DealListQuery { Sort = DealSort.Premium, Descending = true }), limit), CancellationToken.None);
            return (rows, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async IAsyncEnumerable<T> Take<T>(IAsyncEnumerable<T> source, int limit)
    {
        var n = 0;
        await foreach (var item in source)
        {
            if (n++ >= limit) yield break;
            yield return item;
        }
    }

    private static ServiceProvider Services(int deals, CurrentUser user) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IDomainEventPublisher>(NullDomainEventPublisher.Instance)
            .AddSingleton<IUserContext>(new FixedUser(user))
            .AddSalesCrmData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = BenchData.ConnectionString(deals),
            }).Build())
            .BuildServiceProvider();

    private sealed class FixedUser(CurrentUser user) : IUserContext
    {
        public CurrentUser? Cached => user;

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult<CurrentUser?>(user);
    }
}
