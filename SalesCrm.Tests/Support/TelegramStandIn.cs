using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SalesCrm.Tests.Support;

/// <summary>
/// The Bot API on 127.0.0.1, answering as its public documentation describes (<c>POST /bot{token}/{method}</c>, a JSON body,
/// <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":…,"description":…}</c>). It knows one bot's token, records
/// every call, and a test can make it fail (<see cref="Failure"/>).
/// </summary>
public sealed class TelegramStandIn : IAsyncDisposable
{
    public const string Token = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw4";
    public const string Username = "strahovka_test_bot";
    private readonly WebApplication _server;
    private int _messageId = 100;

    private TelegramStandIn(WebApplication server) => _server = server;

    public ConcurrentQueue<(string Method, JsonElement Body)> Calls { get; } = new();

    /// <summary>When set, every call of this method is answered with this status and body (Telegram down, the user blocked the bot).</summary>
    public (string Method, int Status, string Body)? Failure { get; set; }

    public string Url => _server.Urls.First();

    public IEnumerable<JsonElement> Sent(string method) => Calls.Where(c => c.Method == method).Select(c => c.Body);

    public static async Task<TelegramStandIn> StartAsync()
    {
        var server = StandInServer.New();
        TelegramStandIn? standIn = null;
        server.MapPost("/bot{token}/{method}", async (string token, string method, HttpRequest request) =>
        {
            using var json = await JsonDocument.ParseAsync(request.Body);
            var body = json.RootElement.Clone();
            if (token != Token)
                return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
            standIn!.Calls.Enqueue((method, body));
            if (standIn.Failure is { } failure && failure.Method == method)
                return Results.Content(failure.Body, "application/json", statusCode: failure.Status);
            object? result = method switch
            {
                "getMe" => new { id = 7000000001, is_bot = true, first_name = "Страхование бизнеса", username = Username, can_join_groups = false },
                "setWebhook" or "deleteWebhook" => true,
                "getWebhookInfo" => new { url = "", has_custom_certificate = false, pending_update_count = 0 },
                "sendMessage" => new
                {
                    message_id = Interlocked.Increment(ref standIn._messageId),
                    from = new { id = 7000000001, is_bot = true, first_name = "Страхование бизнеса", username = Username },
                    chat = new { id = body.GetProperty("chat_id").GetInt64(), type = "private" },
                    date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    text = body.GetProperty("text").GetString(),
                },
                _ => null,
            };
            return result is null
                ? Results.Json(new { ok = false, error_code = 404, description = "Not Found" }, statusCode: 404)
                : Results.Json(new { ok = true, result });
        });
        await server.StartAsync();
        standIn = new TelegramStandIn(server);
        return standIn;
    }

    /// <summary>A private message from a person, as the Bot API's <c>Update</c> carries it.</summary>
    public static string Message(long updateId, long chatId, string firstName, string? lastName, string? username, DateTimeOffset at, string? text,
        string? sharedPhone = null)
    {
        var from = new Dictionary<string, object?> { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = firstName, ["language_code"] = "ru" };
        if (lastName is not null) from["last_name"] = lastName;
        if (username is not null) from["username"] = username;
        var chat = new Dictionary<string, object?>(from.Where(p => p.Key is "id" or "first_name" or "last_name" or "username")) { ["type"] = "private" };
        var message = new Dictionary<string, object?>
        {
            ["message_id"] = updateId % 100_000, ["from"] = from, ["chat"] = chat, ["date"] = at.ToUnixTimeSeconds(),
        };
        if (text is not null) message["text"] = text;
        if (sharedPhone is not null)
            message["contact"] = new Dictionary<string, object?> { ["phone_number"] = sharedPhone, ["first_name"] = firstName, ["user_id"] = chatId };
        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["update_id"] = updateId, ["message"] = message });
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
