using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The company's Telegram bot through the services the app calls, against a stand-in of the Bot API on 127.0.0.1: connecting
/// it (getMe, setWebhook with the secret token), a new person's messages becoming a lead and its timeline, the manager's
/// answer going out through sendMessage, and a Bot API that is down or refuses.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class TelegramBot : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;
    private TelegramStandIn Bot { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Bot = await TelegramStandIn.StartAsync();
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?> { ["Telegram:ApiUrl"] = Bot.Url });
    }

    public async ValueTask DisposeAsync()
    {
        await H.DisposeAsync();
        await Bot.DisposeAsync();
    }

    private static long NewChatId() => Random.Shared.NextInt64(100_000_000, 999_999_999);

    private Task<MessageReceipt> ReceiveAsync(string update) => H.Get<TelegramService>().ReceiveAsync(JsonDocument.Parse(update).RootElement);

    private async Task ConnectAsync()
    {
        await H.User.SignInAsAsync("admin@demo.salescrm");
        await H.Get<TelegramService>().ConnectAsync(TelegramStandIn.Token, "https://crm.example.ru/");
    }

    [Fact]
    public async Task TheAdministratorConnectsTheBotAndTheAppRegistersItsWebhookWithTheSecretToken()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<TelegramService>().ConnectAsync(TelegramStandIn.Token, "https://crm.example.ru/"));

        await H.User.SignInAsAsync("admin@demo.salescrm");
        var telegram = H.Get<TelegramService>();
        var shape = await Assert.ThrowsAsync<DomainException>(() => telegram.ConnectAsync("12345", "https://crm.example.ru/"));
        Assert.Equal("Token", shape.Field);
        var refused = await Assert.ThrowsAsync<DomainException>(() => telegram.ConnectAsync("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw5", "https://crm.example.ru/"));
        Assert.Contains("Unauthorized", refused.Message);
        Assert.False((await telegram.InfoAsync()).Connected);

        var info = await telegram.ConnectAsync(TelegramStandIn.Token, "https://crm.example.ru/");
        Assert.True(info.Connected);
        Assert.Equal("@" + TelegramStandIn.Username, info.Username);
        var hook = Assert.Single(Bot.Sent("setWebhook"));
        Assert.Equal("https://crm.example.ru" + TelegramService.WebhookPath, hook.GetProperty("url").GetString());
        var secret = hook.GetProperty("secret_token").GetString()!;
        Assert.Equal(TelegramService.WebhookSecret(TelegramStandIn.Token), secret);
        Assert.Matches("^[A-Za-z0-9_-]{1,256}$", secret);
        Assert.Contains("message", hook.GetProperty("allowed_updates").EnumerateArray().Select(e => e.GetString()));
        Assert.True(await telegram.IsGenuineAsync(secret, default));
        Assert.False(await telegram.IsGenuineAsync("wrong", default));
        Assert.False(await telegram.IsGenuineAsync(null, default));

        // The token itself is never shown again; disconnecting forgets it and takes the webhook down.
        var stored = await H.QueryAsync(db => db.IntegrationSecrets.SingleAsync(s => s.Kind == IntegrationKind.Telegram));
        Assert.Equal("…saw4", stored.Hint);
        await telegram.DisconnectAsync();
        Assert.Single(Bot.Sent("deleteWebhook"));
        Assert.False(await H.Get<TelegramService>().IsGenuineAsync(secret, default));
    }

    [Fact]
    public async Task ANewPersonBecomesAMessengerLeadAndTheirNextMessagesLandInItsTimelineOnce()
    {
        await ConnectAsync();
        var chat = NewChatId();
        var now = H.Time.GetUtcNow();
        var update = Random.Shared.NextInt64(1_000_000, 9_000_000);

        Assert.Equal(MessageReceipt.NewLead, await ReceiveAsync(TelegramStandIn.Message(update, chat, "Ольга", "Миронова", "olga_m", now, "/start landing_dms")));
        var lead = await H.QueryAsync(db => db.Leads.SingleAsync(l => l.Messenger == "telegram:" + chat));
        Assert.Equal(LeadChannel.Messenger, lead.Channel);
        Assert.Equal("Ольга Миронова", lead.ContactName);
        Assert.Equal("telegram", lead.SourceTags["channel"]);
        Assert.Equal("@" + TelegramStandIn.Username, lead.SourceTags["bot"]);
        Assert.Equal("landing_dms", lead.SourceTags["start"]);
        await H.User.SignInAsAsync("head@demo.salescrm");
        var detail = await H.Get<SalesCrm.Data.Leads.LeadService>().DetailAsync(lead.Id);
        Assert.Equal(("telegram:" + chat, null), (detail.Messenger, detail.CompanyName)); // the panel shows the account, and no company

        // Telegram delivers an update again when it did not see the answer: one activity still.
        Assert.Equal(MessageReceipt.Repeated, await ReceiveAsync(TelegramStandIn.Message(update, chat, "Ольга", "Миронова", "olga_m", now, "/start landing_dms")));
        Assert.Equal(MessageReceipt.ToLead, await ReceiveAsync(TelegramStandIn.Message(update + 1, chat, "Ольга", "Миронова", "olga_m", now,
            "Нужен ДМС на 40 сотрудников, сколько стоит?")));
        Assert.Equal(MessageReceipt.ToLead, await ReceiveAsync(TelegramStandIn.Message(update + 2, chat, "Ольга", "Миронова", "olga_m", now, null,
            sharedPhone: "+79161112233")));
        var messages = await H.QueryAsync(db => db.Activities.Where(a => a.LeadId == lead.Id).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Equal((ActivityKind.Message, ActivityDirection.Inbound), (m.Kind, m.Direction)));
        Assert.Equal("Нужен ДМС на 40 сотрудников, сколько стоит?", messages[1].Comment);
        Assert.Contains("+79161112233", messages[2].Comment);
        // The shared phone is the lead's now, and a web form with it later finds this lead.
        lead = await H.QueryAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id));
        Assert.Equal("79161112233", lead.PhoneNormalized);
        Assert.True(await H.QueryAsync(db => db.LeadDedupKeys.AnyAsync(k => k.Value == "phone:79161112233" && k.LeadId == lead.Id)));

        // A group, a channel post or another bot is not a person writing to the company.
        var group = TelegramStandIn.Message(update + 3, chat, "Ольга", null, null, now, "всем привет").Replace("\"type\":\"private\"", "\"type\":\"group\"");
        Assert.Equal(MessageReceipt.Ignored, await ReceiveAsync(group));
        Assert.Equal(MessageReceipt.Ignored, await ReceiveAsync($$$"""{"update_id":{{{update + 4}}},"channel_post":{"message_id":1,"chat":{"id":-100123,"type":"channel"},"date":1,"text":"пост"}}"""));
        await Assert.ThrowsAsync<DomainException>(() => ReceiveAsync("""{"message":{}}"""));
    }

    [Fact]
    public async Task AClientsContactWhoSharesTheirPhoneWritesIntoTheClientsOpenDeal()
    {
        await ConnectAsync();
        var deal = await H.DealAtAsync("m1@demo.salescrm", SalesCrm.Domain.Deals.StageCode.Negotiation);
        var phone = await H.QueryAsync(db => db.Contacts.Where(c => c.ClientId == deal.ClientId && c.PhoneNormalized != null).Select(c => c.Phone).FirstAsync());
        var chat = NewChatId();
        var receipt = await ReceiveAsync(TelegramStandIn.Message(Random.Shared.NextInt64(1_000_000, 9_000_000), chat, "Игорь", null, null, H.Time.GetUtcNow(), null, sharedPhone: phone));
        Assert.Equal(MessageReceipt.ToDeal, receipt);
        var stored = await H.QueryAsync(db => db.MessengerChats.SingleAsync(c => c.ExternalId == chat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(deal.ClientId, stored.ClientId);
        var openDeals = await H.QueryAsync(db => db.Deals.Where(d => d.ClientId == deal.ClientId && d.ClosedAt == null).Select(d => d.Id).ToListAsync());
        var message = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.MessageId != null && a.MessageId.StartsWith("telegram:") && a.ClientId == deal.ClientId));
        Assert.Contains(message.DealId!.Value, openDeals);
        Assert.False(await H.QueryAsync(db => db.Leads.AnyAsync(l => l.Messenger == "telegram:" + chat)));
    }

    [Fact]
    public async Task TheManagerAnswersFromTheLeadAndTheAnswerWaitsOutATelegramOutage()
    {
        await ConnectAsync();
        var chat = NewChatId();
        await ReceiveAsync(TelegramStandIn.Message(Random.Shared.NextInt64(1_000_000, 9_000_000), chat, "Пётр", null, "petr_k", H.Time.GetUtcNow(), "Здравствуйте, нужна страховка грузов"));
        var lead = await H.QueryAsync(db => db.Leads.SingleAsync(l => l.Messenger == "telegram:" + chat));

        // Somebody who may not work the lead cannot answer it.
        var stranger = await H.QueryAsync(db => db.Managers.Where(m => m.Role == SalesCrm.Domain.Teams.StaffRole.Manager && m.Id != lead.AssigneeId).Select(m => m.Email).FirstAsync());
        await H.User.SignInAsAsync(stranger);
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<Conversations>().ReplyAsync(ConversationSubject.Lead, lead.Id, MessageChannel.Telegram, "Добрый день!"));

        await H.User.SignInAsAsync("head@demo.salescrm");
        var conversations = H.Get<Conversations>();
        var info = await conversations.ConversationAsync(ConversationSubject.Lead, lead.Id);
        Assert.NotNull(info);
        Assert.Equal("Пётр (@petr_k)", info.Telegram);
        await Assert.ThrowsAsync<DomainException>(() => conversations.ReplyAsync(ConversationSubject.Lead, lead.Id, MessageChannel.Telegram, "  "));

        // Telegram is down: the answer waits, retried with a growing pause, and nothing is lost.
        Bot.Failure = ("sendMessage", 502, "<html>Bad Gateway</html>");
        await conversations.ReplyAsync(ConversationSubject.Lead, lead.Id, MessageChannel.Telegram, "Добрый день! Пришлите, пожалуйста, маршрут и стоимость грузов.");
        var outbox = H.Get<OutboxSender>();
        Assert.Equal(0, await outbox.SendDueAsync());
        var waiting = await H.QueryAsync(db => db.OutboundMessages.SingleAsync(m => m.To == chat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal((OutboundStatus.Pending, 1), (waiting.Status, waiting.Attempts));
        Assert.Equal(OutboundMessage.Backoff(1), waiting.NextAttemptAt - H.Time.GetUtcNow().UtcDateTime);
        Assert.Equal(0, await outbox.SendDueAsync()); // not due yet
        Assert.Equal(1, await outbox.WaitingAsync(MessageChannel.Telegram));

        Bot.Failure = null;
        H.Time.Advance(OutboundMessage.Backoff(1));
        Assert.Equal(1, await outbox.SendDueAsync());
        var sent = Bot.Sent("sendMessage").Last();
        Assert.Equal(chat, sent.GetProperty("chat_id").GetInt64());
        Assert.Equal("Добрый день! Пришлите, пожалуйста, маршрут и стоимость грузов.", sent.GetProperty("text").GetString());
        var done = await H.QueryAsync(db => db.OutboundMessages.SingleAsync(m => m.Id == waiting.Id));
        Assert.Equal(OutboundStatus.Sent, done.Status);
        Assert.NotNull(done.ExternalId);
        // The answer is in the lead's timeline, and it is the lead's first contact.
        var answer = await H.QueryAsync(db => db.Activities.SingleAsync(a => a.Id == done.ActivityId));
        Assert.Equal((ActivityKind.Message, ActivityDirection.Outbound, lead.Id), (answer.Kind, answer.Direction, answer.LeadId!.Value));
        Assert.NotNull((await H.QueryAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).FirstContactAt);

        // The person blocked the bot: refused for good, and the author is told.
        Bot.Failure = ("sendMessage", 403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""");
        await conversations.ReplyAsync(ConversationSubject.Lead, lead.Id, MessageChannel.Telegram, "Вы здесь?");
        await outbox.SendDueAsync();
        var failed = await H.QueryAsync(db => db.OutboundMessages.OrderByDescending(m => m.Id).FirstAsync(m => m.To == chat.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(OutboundStatus.Failed, failed.Status);
        Assert.Contains("blocked", failed.LastError);
        var head = await H.QueryAsync(db => db.Managers.Where(m => m.Email == "head@demo.salescrm").Select(m => m.Id).SingleAsync());
        Assert.True(await H.QueryAsync(db => db.Notifications.AnyAsync(n => n.RecipientId == head && n.Title == "Сообщение не доставлено")));
        Assert.Equal(0, await outbox.WaitingAsync(MessageChannel.Telegram));
    }
}
