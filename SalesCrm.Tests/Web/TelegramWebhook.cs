using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The bot's webhook through HTTP against the app, with updates written from the Bot API's documentation: the secret token
/// in <c>X-Telegram-Bot-Api-Secret-Token</c> is checked on every update, a message becomes a lead once however often it is
/// delivered, and what is not an update is refused with the reason.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class TelegramWebhook(CrmAppFactory app) : IClassFixture<CrmAppFactory>
{
    private async Task<HttpResponseMessage> PostAsync(string body, string? secret)
    {
        PbxCredentials.Keep(app.ConnectionString, IntegrationKind.Telegram, "@" + TelegramStandIn.Username, TelegramStandIn.Token, RunningApp.Clock);
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramService.WebhookPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null) request.Headers.Add(TelegramService.SecretHeader, secret);
        return await app.NewClient().SendAsync(request);
    }

    [Fact]
    public async Task AnUpdateWithTheSecretTokenBecomesALeadOnceAndAnyOtherIsRefused()
    {
        var chat = Random.Shared.NextInt64(100_000_000, 999_999_999);
        var update = Random.Shared.NextInt64(1_000_000, 9_000_000);
        var body = TelegramStandIn.Message(update, chat, "Анна", "Белова", "anna_b", RunningApp.Clock.GetUtcNow(), "Добрый день! Интересует страхование офиса.");
        var secret = TelegramService.WebhookSecret(TelegramStandIn.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, null)).StatusCode);
        var forged = await PostAsync(body, TelegramService.WebhookSecret("7000000002:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw4"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("секретный токен", await forged.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, secret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, secret)).StatusCode); // delivered again
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Messenger == "telegram:" + chat);
            Assert.Equal(LeadChannel.Messenger, lead.Channel);
            Assert.Equal("Анна Белова", lead.ContactName);
            Assert.Equal("Добрый день! Интересует страхование офиса.", lead.Comment);
            var message = await db.Activities.AsNoTracking().SingleAsync(a => a.LeadId == lead.Id);
            Assert.Equal((ActivityKind.Message, ActivityDirection.Inbound), (message.Kind, message.Direction));
        }

        var broken = await PostAsync("{\"update_id\":", secret);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("JSON", await broken.Content.ReadAsStringAsync());
        var noId = await PostAsync("{\"message\":{\"text\":\"hi\"}}", secret);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Contains("update_id", await noId.Content.ReadAsStringAsync());
        // An edited message, a service message without text, a group: answered 200 (Telegram stops resending), nothing half-written.
        var edited = $$$"""{"update_id":{{{update + 1}}},"edited_message":{"message_id":5,"from":{"id":{{{chat}}},"is_bot":false,"first_name":"Анна"},"chat":{"id":{{{chat}}},"type":"private","first_name":"Анна"},"date":1733500000,"edit_date":1733500100,"text":"Интересует страхование офиса и склада."}}""";
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(edited, secret)).StatusCode);
        await using (var db = TestDatabase.CreateContext(app.ConnectionString))
        {
            var texts = await db.Activities.AsNoTracking().Where(a => a.MessageId != null && a.Comment != null && a.Comment.Contains("склада"))
                .Select(a => a.Comment).ToListAsync();
            Assert.Single(texts);
            Assert.StartsWith("(исправлено)", texts[0]);
        }
    }
}
