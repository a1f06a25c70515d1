using SalesCrm.Data.Common;

namespace SalesCrm.Web.Live;

/// <summary>
/// Runs every background check (<see cref="IPeriodicScan"/>: stuck deals, speed to lead) on its own timer; the
/// alerts they raise go out live after each commit. A failed run (the database restarting) is retried at the next tick.
/// </summary>
public sealed partial class ScanService(IEnumerable<IPeriodicScan> scans, TimeProvider time, ILogger<ScanService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(scans.Select(scan => RunAsync(scan, stoppingToken)));

    private async Task RunAsync(IPeriodicScan scan, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(scan.Every, time);
        do
        {
            try
            {
                var created = await scan.ScanAsync(stoppingToken);
                if (created > 0) LogAlerts(logger, scan.Name, created);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogScanFailed(logger, ex, scan.Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan '{Scan}' raised {Count} alerts")]
    private static partial void LogAlerts(ILogger logger, string scan, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scan '{Scan}' failed; retrying at the next tick")]
    private static partial void LogScanFailed(ILogger logger, Exception ex, string scan);
}
