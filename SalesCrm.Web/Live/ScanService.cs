using SalesCrm.Data.Common;

namespace SalesCrm.Web.Live;

/// <summary>
/// Runs every background check (<see cref="IPeriodicScan"/>: stuck deals, speed to lead, renewal tasks, snapshots…) on
/// its own timer; the alerts they raise go out live after each commit. With several web nodes each period of a scan runs
/// on one node only (<see cref="ScanRuns"/>). A failed run (the database restarting) is retried at the next tick.
/// </summary>
public sealed partial class ScanService(IEnumerable<IPeriodicScan> scans, ScanRuns runs, TimeProvider time, ILogger<ScanService> logger) : BackgroundService
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
                if (await runs.ClaimAsync(scan.Name, scan.Every, stoppingToken) is not { } period)
                {
                    LogSkipped(logger, scan.Name, runs.Node);
                    continue;
                }
                LogRunning(logger, scan.Name, period, runs.Node);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scan '{Scan}' period {Period} runs on {Node}")]
    private static partial void LogRunning(ILogger logger, string scan, long period, string node);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scan '{Scan}' skipped on {Node}: another node has this period")]
    private static partial void LogSkipped(ILogger logger, string scan, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan '{Scan}' raised {Count} alerts")]
    private static partial void LogAlerts(ILogger logger, string scan, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scan '{Scan}' failed; retrying at the next tick")]
    private static partial void LogScanFailed(ILogger logger, Exception ex, string scan);
}
