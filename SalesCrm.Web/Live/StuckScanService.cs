using SalesCrm.Data.Common;
using SalesCrm.Data.Notifications;

namespace SalesCrm.Web.Live;

/// <summary>Runs the stuck-deal scan every <c>Crm:Thresholds:StuckScanSeconds</c>; the alerts go out live after each commit.</summary>
public sealed partial class StuckScanService(StuckAlertScanner scanner, CrmOptions options, TimeProvider time,
    ILogger<StuckScanService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(5, options.Thresholds.StuckScanSeconds)), time);
        do
        {
            try
            {
                var created = await scanner.ScanAsync(stoppingToken);
                if (created > 0) LogAlerts(logger, created);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed scan (database restarting) is retried at the next tick.
                LogScanFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stuck-deal scan raised {Count} alerts")]
    private static partial void LogAlerts(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stuck-deal scan failed; retrying at the next tick")]
    private static partial void LogScanFailed(ILogger logger, Exception ex);
}
