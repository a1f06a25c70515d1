using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Notifications;

namespace SalesCrm.Data.Integrations;

/// <summary>Sends one outbound message through its channel; the answer says whether it went, and if not, whether to retry.</summary>
public interface IOutboundChannel
{
    MessageChannel Channel { get; }

    Task<OutboundResult> SendAsync(OutboundMessage message, CancellationToken ct);
}

/// <summary>What the channel did with a message: sent (with its identifier there), or refused — for the moment or for good.</summary>
public sealed record OutboundResult(bool Sent, string? ExternalId, string? Error, bool Final, TimeSpan? RetryAfter = null)
{
    public static OutboundResult Done(string? externalId) => new(true, externalId, null, false);

    public static OutboundResult Retry(string error, TimeSpan? after = null) => new(false, null, error, false, after);

    public static OutboundResult Refused(string error) => new(false, null, error, true);
}

/// <summary>
/// Sends the outbox (decision 0021): the messages that are due, each claimed by one node for a while (so two nodes never
/// send it twice), through its channel. A channel that is down leaves the message waiting with a growing pause
/// (<see cref="OutboundMessage.Backoff"/>); a refusal for good marks it failed and tells its author. The connector's health
/// shows sends and failures, and the backlog is what waits.
/// </summary>
public sealed class OutboxSender(IProviderContextFactory contexts, IEnumerable<IOutboundChannel> channels, ConnectorHealth health, TimeProvider time)
{
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Something was queued: the sender looks at once instead of at its next round.</summary>
    public void Wake() => Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The signal of the next <see cref="Wake"/>: taken before a round, so a wake during the round is not missed.</summary>
    public Task Signal => Volatile.Read(ref _signal).Task;

    /// <summary>Waits for <paramref name="signal"/> or the pause, whichever comes first.</summary>
    public async Task WaitAsync(Task signal, TimeSpan pause, CancellationToken ct)
    {
        try
        {
            await signal.WaitAsync(pause, time, ct);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Sends what is due; returns how many went out.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<int> due;
        await using (var db = contexts.Create())
            due = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.Status == OutboundStatus.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(50).ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            await using var db = contexts.Create();
            now = time.GetUtcNow().UtcDateTime;
            var until = now + ClaimFor;
            var claimed = await db.OutboundMessages
                .Where(m => m.Id == id && m.Status == OutboundStatus.Pending && (m.ClaimedUntil == null || m.ClaimedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedUntil, until), ct);
            if (claimed == 0) continue;
            var message = await db.OutboundMessages.Include(m => m.Activity).SingleAsync(m => m.Id == id, ct);
            var channel = channels.FirstOrDefault(c => c.Channel == message.Channel);
            OutboundResult result;
            try
            {
                result = channel is null ? OutboundResult.Retry("Канал не настроен.") : await channel.SendAsync(message, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = OutboundResult.Retry(ex.Message);
            }
            now = time.GetUtcNow().UtcDateTime;
            var connector = ConnectorOf(message.Channel);
            if (result.Sent)
            {
                message.Sent(result.ExternalId, now);
                sent++;
            }
            else
            {
                health.Failed(connector, "Отправка: " + result.Error);
                if (message.Failed(result.Error ?? "?", result.Final, now, result.RetryAfter))
                {
                    var link = message.Activity is { DealId: { } dealId } ? $"/deals/{dealId}" : message.Activity is { LeadId: { } leadId } ? $"/leads?id={leadId}"
                        : message.Activity is { ClientId: { } clientId } ? $"/clients/{clientId}" : null;
                    db.Notifications.Add(new Notification(message.AuthorId, NotificationKind.System, "Сообщение не доставлено",
                        $"{(message.Body.Length > 100 ? message.Body[..100] + "…" : message.Body)} — {message.LastError}", link, null, now));
                }
            }
            // A letter carrying a proposal: sent, the client has that version; failed for good, the version may go again.
            if (message.Channel == MessageChannel.Email) await Proposals.ProposalService.DeliveredAsync(db, message, now, ct);
            await db.SaveChangesAsync(ct);
        }
        return sent;
    }

    /// <summary>How many messages of the channel wait to go out (the health page's backlog).</summary>
    public async Task<int> WaitingAsync(MessageChannel channel, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.OutboundMessages.CountAsync(m => m.Channel == channel && m.Status == OutboundStatus.Pending, ct);
    }

    public static Connector ConnectorOf(MessageChannel channel) => channel switch
    {
        MessageChannel.Telegram => Connector.Telegram,
        MessageChannel.Email => Connector.Email,
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };
}

/// <summary>Telegram's <c>sendMessage</c> to the chat, with the bot's current token.</summary>
public sealed class TelegramChannel(IntegrationSecretVerifier verifier, TelegramBotApi api) : IOutboundChannel
{
    public MessageChannel Channel => MessageChannel.Telegram;

    public async Task<OutboundResult> SendAsync(OutboundMessage message, CancellationToken ct)
    {
        var (_, tokens) = await verifier.CredentialsAsync(IntegrationKind.Telegram, ct);
        if (tokens.Count == 0) return OutboundResult.Retry("Бот Telegram не подключён: подключите его в разделе «Интеграции».");
        var answer = await api.CallAsync(tokens[0], "sendMessage", new Dictionary<string, object>
        {
            ["chat_id"] = long.TryParse(message.To, out var chatId) ? chatId : message.To, ["text"] = message.Body,
        }, ct);
        if (answer.Ok)
            return OutboundResult.Done(answer.Result.ValueKind == System.Text.Json.JsonValueKind.Object && answer.Result.TryGetProperty("message_id", out var id)
                ? id.GetRawText() : null);
        var error = answer.ErrorCode is null ? answer.Description ?? "?" : $"Telegram: {answer.Description}";
        return answer.Final ? OutboundResult.Refused(error) : OutboundResult.Retry(error, answer.RetryAfter);
    }
}
