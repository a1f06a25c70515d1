using System.Text.Json;
using StackExchange.Redis;

namespace SalesCrm.Web.Live;

/// <summary>
/// Fans live events out across web nodes through a Redis channel: each node publishes its own committed
/// events and delivers the other nodes' events to its local subscribers (a message carries the sender's
/// node id, so nobody receives its own twice).
/// </summary>
public sealed partial class RedisLiveFanOut(IConnectionMultiplexer redis, LiveNotifier notifier, ILogger<RedisLiveFanOut> logger)
    : ILiveRelay, IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("salescrm:live");

    /// <summary>This process's identity on the channel.</summary>
    public Guid NodeId { get; } = Guid.NewGuid();

    public async Task RelayAsync(IReadOnlyList<(string Topic, LiveEvent Event)> items, CancellationToken cancellationToken)
    {
        var message = new Message(NodeId, items.Select(i => new Item(i.Topic, i.Event)).ToList());
        await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(message));
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var channel = await redis.GetSubscriber().SubscribeAsync(Channel);
        channel.OnMessage(received =>
        {
            try
            {
                var message = JsonSerializer.Deserialize<Message>(received.Message.ToString());
                if (message is null || message.Node == NodeId) return;
                notifier.DeliverLocally(message.Items.Select(i => (i.Topic, i.Event)).ToList());
            }
            catch (JsonException ex)
            {
                LogBadMessage(logger, ex);
            }
        });
    }

    /// <summary>Stops listening; a connection already closed or lost (Redis down at shutdown) has nothing left to stop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(Channel);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or RedisConnectionException or RedisTimeoutException)
        {
            LogStopWithoutRedis(logger, ex.GetType().Name);
        }
    }

    private sealed record Message(Guid Node, List<Item> Items);

    private sealed record Item(string Topic, LiveEvent Event);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live fan-out stopped without Redis ({Reason})")]
    private static partial void LogStopWithoutRedis(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed live message from Redis")]
    private static partial void LogBadMessage(ILogger logger, Exception ex);
}
