using SalesCrm.Data.Integrations;

namespace SalesCrm.Web.Services;

/// <summary>
/// Sends the outbox (<see cref="OutboxSender"/>): at once when a message is queued on this node, otherwise every few seconds
/// (a message queued on another node, a retry that came due). A failing round is logged and tried again.
/// </summary>
public sealed partial class OutboxWorker(OutboxSender outbox, ILogger<OutboxWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Round = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = outbox.Signal;
            try
            {
                await outbox.SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
            await outbox.WaitAsync(signal, Round, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox round failed; it is tried again")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
