using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Services;

/// <summary>
/// Reads the shared mailbox (<see cref="MailboxReader"/>) every <see cref="MailboxOptions.Poll"/>. A mail server that is down or
/// refuses the login is said on the health page and tried again after a growing pause (the outbox's: 15 s, 30 s, … an hour);
/// the letters wait unread in the mailbox meanwhile.
/// </summary>
public sealed partial class MailboxWorker(MailboxReader reader, MailboxOptions options, ConnectorHealth health, TimeProvider time,
    ILogger<MailboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                await reader.ReadAsync(stoppingToken);
                failures = 0;
                pause = options.Poll;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                failures++;
                pause = OutboundMessage.Backoff(failures);
                health.Failed(Connector.Email, $"IMAP {options.ImapHost}: {ex.Message}");
                LogFailed(logger, ex, pause);
            }
            await Task.Delay(pause, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the mailbox failed; the next try in {Pause}")]
    private static partial void LogFailed(ILogger logger, Exception ex, TimeSpan pause);
}
