using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>The <c>Telegram</c> section of appsettings.json.</summary>
public sealed class TelegramOptions(IConfiguration configuration)
{
    /// <summary>The Bot API's address (<c>https://api.telegram.org</c>; a local Bot API server when the company runs one).</summary>
    public string ApiUrl { get; } = configuration["Telegram:ApiUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : "https://api.telegram.org";

    /// <summary>The app's public address Telegram posts updates to; when empty, the address the administrator opened the settings at.</summary>
    public string? WebhookBaseUrl { get; } = configuration["Telegram:WebhookBaseUrl"] is { Length: > 0 } b ? b.TrimEnd('/') : null;
}

/// <summary>What the Bot API answered: <c>ok</c> and its <c>result</c>, or its <c>error_code</c> and <c>description</c>.</summary>
public sealed record TelegramAnswer(bool Ok, JsonElement Result, int? ErrorCode, string? Description, TimeSpan? RetryAfter)
{
    /// <summary>The Bot API refused for good (a bad request, a blocked bot, a chat that is gone), not for the moment.</summary>
    public bool Final => !Ok && ErrorCode is 400 or 401 or 403 or 404;
}

/// <summary>Calls the Bot API (<c>POST {ApiUrl}/bot{token}/{method}</c> with a JSON body), as its public documentation describes.</summary>
public sealed class TelegramBotApi(TelegramOptions options, HttpClient http)
{
    public async Task<TelegramAnswer> CallAsync(string token, string method, object parameters, CancellationToken ct)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"{options.ApiUrl}/bot{token}/{method}", parameters, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                return new TelegramAnswer(false, default, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}", null);
            }
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
                return new TelegramAnswer(true, json.TryGetProperty("result", out var result) ? result : default, null, null, null);
            var code = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var n) ? n : (int)response.StatusCode;
            var description = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("description", out var d) ? d.GetString() : null;
            TimeSpan? retry = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                              && p.TryGetProperty("retry_after", out var r) && r.TryGetInt32(out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
            return new TelegramAnswer(false, default, code, description ?? $"HTTP {(int)response.StatusCode}", retry);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return new TelegramAnswer(false, default, null, "Telegram недоступен: " + ex.Message, null);
        }
    }
}

/// <summary>What the settings page shows of the bot.</summary>
public sealed record TelegramBotInfo(bool Connected, string? Username, DateTime? ConnectedAt, string? WebhookUrl, int? PendingUpdates, string? LastError);

/// <summary>
/// The company's Telegram bot (decision 0021). The administrator enters the token @BotFather issued; the app checks it
/// (<c>getMe</c>) and registers its webhook (<c>setWebhook</c>) with a secret token derived from the bot's token, which
/// Telegram sends back in <c>X-Telegram-Bot-Api-Secret-Token</c> with every update. A message from a new person creates a
/// lead (channel «Мессенджер», their phone if they share it); later messages land in the timeline of their lead, its deal,
/// or their client's open deal, and the owner is told live. Managers answer from the card through <see cref="Conversations"/>.
/// </summary>
public sealed partial class TelegramService(IProviderContextFactory contexts, IUserContext users, TimeProvider time, SecurityLog security,
    IntegrationSecretService secrets, IntegrationSecretVerifier verifier, TelegramBotApi api, TelegramOptions options, LeadIntakeService intake)
{
    public const string WebhookPath = "/api/messengers/telegram";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>The secret token the webhook is registered with: HMAC-SHA256 of a fixed label under the bot's token, hex (Telegram allows 1–256 of A-Z, a-z, 0-9, _ and -).</summary>
    public static string WebhookSecret(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "SalesCrm Telegram webhook"u8));

    /// <summary>Whether the header carries the secret of the bot's current token (or of the previous one during its grace).</summary>
    public async Task<bool> IsGenuineAsync(string? header, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(header)) return false;
        var (_, tokens) = await verifier.CredentialsAsync(IntegrationKind.Telegram, ct);
        var given = Encoding.UTF8.GetBytes(header);
        return tokens.Any(t => CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(WebhookSecret(t))));
    }

    [GeneratedRegex(@"^\d{3,20}:[A-Za-z0-9_-]{30,100}$")]
    private static partial Regex TokenShape();

    /// <summary>
    /// Connects the bot: checks the token with Telegram, registers the webhook at <paramref name="baseUrl"/> (unless the
    /// configuration names the public address), and keeps the token. Nothing is kept when Telegram refuses either step.
    /// </summary>
    public async Task<TelegramBotInfo> ConnectAsync(string token, string baseUrl, CancellationToken ct = default)
    {
        await RequireAsync(ct);
        token = (token ?? "").Trim();
        if (!TokenShape().IsMatch(token))
            throw new DomainException("Токен бота выглядит так: 123456789:AAE…; скопируйте его целиком из сообщения @BotFather.", "Token");
        var me = await api.CallAsync(token, "getMe", new { }, ct);
        if (!me.Ok) throw new DomainException(new UserText("Telegram не принял токен: {0}", me.Description), "Token");
        var username = me.Result.TryGetProperty("username", out var u) ? u.GetString() : null;
        var url = WebhookUrl(baseUrl);
        var hook = await api.CallAsync(token, "setWebhook", new Dictionary<string, object>
        {
            ["url"] = url, ["secret_token"] = WebhookSecret(token), ["allowed_updates"] = new[] { "message", "edited_message" }, ["max_connections"] = 10,
        }, ct);
        if (!hook.Ok) throw new DomainException(new UserText("Telegram не принял адрес {0}: {1}", url, hook.Description), "Url");
        await secrets.IssuedAsync(IntegrationKind.Telegram, "@" + (username ?? "bot"), token, ct);
        return await InfoAsync(ct);
    }

    /// <summary>Disconnects the bot: Telegram stops sending updates, the token is forgotten.</summary>
    public async Task DisconnectAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = contexts.Create();
        var secret = await db.IntegrationSecrets.SingleOrDefaultAsync(s => s.Kind == IntegrationKind.Telegram, ct);
        if (secret is null) return;
        // Telegram may be unreachable: the token is forgotten all the same, and updates without its secret are refused.
        await api.CallAsync(secret.Secret, "deleteWebhook", new { }, ct);
        db.IntegrationSecrets.Remove(secret);
        await db.SaveChangesAsync(ct);
        verifier.Forget();
    }

    /// <summary>The bot and, from Telegram, its webhook's state: the address, updates waiting, the last delivery error.</summary>
    public async Task<TelegramBotInfo> InfoAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = contexts.Create();
        var secret = await db.IntegrationSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Kind == IntegrationKind.Telegram, ct);
        if (secret is null) return new TelegramBotInfo(false, null, null, null, null, null);
        var hook = await api.CallAsync(secret.Secret, "getWebhookInfo", new { }, ct);
        if (!hook.Ok) return new TelegramBotInfo(true, secret.Account, secret.CreatedAt, null, null, hook.Description);
        string? Text(string name) => hook.Result.ValueKind == JsonValueKind.Object && hook.Result.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? pending = hook.Result.ValueKind == JsonValueKind.Object && hook.Result.TryGetProperty("pending_update_count", out var p) && p.TryGetInt32(out var n) ? n : null;
        return new TelegramBotInfo(true, secret.Account, secret.CreatedAt, Text("url"), pending, Text("last_error_message"));
    }

    public string WebhookUrl(string baseUrl) => (options.WebhookBaseUrl ?? baseUrl.TrimEnd('/')) + WebhookPath;

    private async Task<CurrentUser> RequireAsync(CancellationToken ct) =>
        await users.RequireRoleAsync(security, u => u.ConfiguresDepartment, "IntegrationSecret", "manage",
            "Интеграциями управляют администратор и начальник отдела.", ct);

    // ---------------------------------------------------------------- updates in

    /// <summary>
    /// Takes one update (already checked for the secret token). A message from a person in a private chat: the first one
    /// creates the lead (or finds the client whose phone they share), every one is a message activity in the timeline of the
    /// lead, its deal or the client's open deal; the owner gets a live notification. Delivered twice — one activity.
    /// </summary>
    public async Task<MessageReceipt> ReceiveAsync(JsonElement update, CancellationToken ct = default)
    {
        if (update.ValueKind != JsonValueKind.Object || !update.TryGetProperty("update_id", out var idElement) || !idElement.TryGetInt64(out var updateId))
            throw new DomainException("В обновлении Telegram нет update_id.", "update_id");
        var message = update.TryGetProperty("message", out var m) ? m : update.TryGetProperty("edited_message", out var e) ? e : default;
        if (message.ValueKind != JsonValueKind.Object) return MessageReceipt.Ignored;
        var edited = !update.TryGetProperty("message", out _);
        if (!message.TryGetProperty("chat", out var chat) || Str(chat, "type") != "private" || !chat.TryGetProperty("id", out var chatIdElement)) return MessageReceipt.Ignored;
        var from = message.TryGetProperty("from", out var f) ? f : default;
        if (from.ValueKind == JsonValueKind.Object && from.TryGetProperty("is_bot", out var bot) && bot.ValueKind == JsonValueKind.True) return MessageReceipt.Ignored;
        var text = Describe(message);
        if (text is null) return MessageReceipt.Ignored;
        // The button that opens a bot sends /start, with the deep link's payload when the person came from a link (?start=…).
        string? startedFrom = null;
        if (StartCommand().Match(text) is { Success: true } start)
        {
            startedFrom = start.Groups[1].Success ? start.Groups[1].Value : null;
            text = "Начал(а) диалог с ботом" + (startedFrom is null ? "" : $" (ссылка «{startedFrom}»)"); // not UI text: stored in the timeline
        }
        if (edited) text = "(исправлено) " + text;

        var (account, _) = await verifier.CredentialsAsync(IntegrationKind.Telegram, ct);
        var incoming = new Incoming(
            MessageId: $"telegram:{account}:{updateId}",
            ChatId: chatIdElement.GetRawText(),
            Name: string.Join(" ", new[] { Str(from, "first_name"), Str(from, "last_name") }.Where(x => !string.IsNullOrWhiteSpace(x))) is { Length: > 0 } n ? n : Str(chat, "first_name"),
            Username: Str(from, "username") ?? Str(chat, "username"),
            Phone: message.TryGetProperty("contact", out var contact) && contact.ValueKind == JsonValueKind.Object ? Str(contact, "phone_number") : null,
            At: message.TryGetProperty("date", out var date) && date.TryGetInt64(out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime : time.GetUtcNow().UtcDateTime,
            Text: text,
            Bot: account,
            StartedFrom: startedFrom);
        // Two messages of a new person at once: the second save meets the first one's chat or activity and is redone.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReceiveAsync(incoming, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
            }
        }
    }

    private sealed record Incoming(string MessageId, string ChatId, string? Name, string? Username, string? Phone, DateTime At, string Text, string? Bot,
        string? StartedFrom);

    [GeneratedRegex(@"^/start(?:@\w+)?(?:\s+([A-Za-z0-9_-]{1,64}))?\s*$")]
    private static partial Regex StartCommand();

    private async Task<MessageReceipt> ReceiveAsync(Incoming message, CancellationToken ct)
    {
        await using var db = contexts.Create();
        if (await db.Activities.AnyAsync(a => a.MessageId == message.MessageId, ct)) return MessageReceipt.Repeated;
        var now = time.GetUtcNow().UtcDateTime;
        var chat = await db.MessengerChats.SingleOrDefaultAsync(c => c.Channel == MessageChannel.Telegram && c.ExternalId == message.ChatId, ct);
        if (chat is not null)
        {
            var known = chat.LeadId is { } leadId ? await db.Leads.SingleOrDefaultAsync(l => l.Id == leadId, ct) : null;
            // Someone whose lead was disqualified writes again: a new lead, as for a new person.
            if (known is not { Status: LeadStatus.Disqualified }) return await LandAsync(db, chat, known, chat.ClientId, message, now, notifyOwner: true, ct);
        }

        // A new person: the lead (or the client whose phone they shared), the chat and the message in one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var tags = new Dictionary<string, string> { ["channel"] = "telegram" }; // not UI text: source tags
        if (message.Bot is { } bot) tags["bot"] = bot;
        if (message.StartedFrom is { } link) tags["start"] = link;
        var submission = new LeadSubmission(null, null, message.Name ?? message.Username, message.Phone, null, null, "messenger", null, null,
            message.Text, tags, "telegram:" + message.ChatId);
        var pending = await intake.IntakeAsync(db, submission,
            new IntakeSource(null, "Telegram-бот " + (message.Bot ?? ""), null, LeadChannel.Messenger), null, ct); // not UI text: the audit's actor
        await db.SaveChangesAsync(ct);
        var lead = pending.Outcome == IntakeOutcome.ExistingClient ? null : pending.Lead ?? await db.Leads.SingleAsync(l => l.Id == pending.LeadId, ct);
        if (chat is null)
        {
            chat = new MessengerChat(MessageChannel.Telegram, message.ChatId, message.Name, message.Username, now);
            db.MessengerChats.Add(chat);
        }
        chat.BelongsTo(lead?.Id, lead is null ? pending.ClientId : null);
        // The intake told the assignee of a new lead and the owner of a known client; a lead found again is told here.
        var receipt = await LandAsync(db, chat, lead, chat.ClientId, message, now, notifyOwner: pending.Outcome == IntakeOutcome.ExistingLead, ct);
        await transaction.CommitAsync(ct);
        return pending.Outcome == IntakeOutcome.Created ? MessageReceipt.NewLead : receipt;
    }

    /// <summary>Writes the message where it belongs and tells the owner.</summary>
    private static async Task<MessageReceipt> LandAsync(CrmDbContext db, MessengerChat chat, Lead? lead, int? clientId, Incoming message, DateTime now,
        bool notifyOwner, CancellationToken ct)
    {
        chat.Received(message.Name, message.Username, message.Phone, message.At);
        if (lead is not null && message.Phone is { } phone && lead.SharePhone(phone) && Phone.Normalize(phone) is { } normalized
            && !await db.LeadDedupKeys.AnyAsync(k => k.Value == "phone:" + normalized, ct))
            db.LeadDedupKeys.Add(new LeadDedupKey("phone:" + normalized, lead));

        var target = await Conversations.TargetAsync(db, lead, clientId, ct);
        var outcome = "Telegram · " + chat.Display; // not UI text: the activity's channel line, names as they are
        db.Activities.Add(Activity.FromMessage(ActivityKind.Message, message.MessageId, ActivityDirection.Inbound, message.At, target.OwnerId,
            target.DealId, target.ClientId, target.LeadId, outcome, message.Text, now));
        if (target.DealId is { } dealId && await db.Deals.SingleOrDefaultAsync(d => d.Id == dealId, ct) is { } deal) deal.TouchActivity(message.At);
        if (notifyOwner)
            db.Notifications.Add(new Notification(target.OwnerId, NotificationKind.Assignment, $"Сообщение в Telegram: {chat.Display}",
                message.Text.Length > 300 ? message.Text[..300] + "…" : message.Text, target.Link, null, now));
        await db.SaveChangesAsync(ct);
        return target.DealId is not null ? MessageReceipt.ToDeal : target.LeadId is not null ? MessageReceipt.ToLead : MessageReceipt.ToClient;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s.Trim() : null;

    /// <summary>The message as the timeline shows it: its text or caption, and what it carries besides (a photo, a file, a shared phone).</summary>
    private static string? Describe(JsonElement message)
    {
        var parts = new List<string>();
        if (Str(message, "text") is { } text) parts.Add(text);
        if (Str(message, "caption") is { } caption) parts.Add(caption);
        if (message.TryGetProperty("contact", out var contact) && contact.ValueKind == JsonValueKind.Object)
            parts.Add("Поделился телефоном: " + Str(contact, "phone_number"));
        if (message.TryGetProperty("photo", out _)) parts.Add("[фото]");
        if (message.TryGetProperty("document", out var doc) && doc.ValueKind == JsonValueKind.Object) parts.Add($"[файл {Str(doc, "file_name") ?? ""}]".Replace(" ]", "]"));
        if (message.TryGetProperty("voice", out _)) parts.Add("[голосовое сообщение]");
        if (message.TryGetProperty("video", out _) || message.TryGetProperty("video_note", out _)) parts.Add("[видео]");
        if (message.TryGetProperty("sticker", out var sticker) && sticker.ValueKind == JsonValueKind.Object) parts.Add("[стикер " + Str(sticker, "emoji") + "]");
        if (message.TryGetProperty("location", out _)) parts.Add("[геопозиция]");
        return parts.Count == 0 ? null : string.Join("\n", parts);
    }
}
