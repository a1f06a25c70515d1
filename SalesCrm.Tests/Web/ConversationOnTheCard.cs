using Bunit;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Pages.Deals;

namespace SalesCrm.Tests.Web;

/// <summary>The deal's card answers a client who wrote to the company's bot: the box shows the chat, and the answer is queued for it.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class ConversationOnTheCard : CrmComponentTest
{
    [Fact]
    public async Task TheOwnerAnswersTheClientsTelegramChatFromTheDealCard()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var chatId = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var db = H.Db())
        {
            var chat = new MessengerChat(MessageChannel.Telegram, chatId, "Игорь Ветров", "vetrov", H.Time.GetUtcNow().UtcDateTime);
            chat.BelongsTo(null, deal.ClientId);
            db.MessengerChats.Add(chat);
            await db.SaveChangesAsync();
        }
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=conversation-telegram]");
        Assert.Contains("Игорь Ветров (@vetrov)", page.Find("[data-testid=conversation-telegram]").TextContent);

        page.Find("textarea[data-testid=conversation-text]").Change("Игорь, добрый день! Договор готов, направлю сегодня.");
        await page.Find("[data-testid=conversation-send]").ClickAsync(new());

        var queued = await H.QueryAsync(db => db.OutboundMessages.Include(m => m.Activity).SingleAsync(m => m.To == chatId));
        Assert.Equal((MessageChannel.Telegram, "Игорь, добрый день! Договор готов, направлю сегодня."), (queued.Channel, queued.Body));
        Assert.Equal((deal.Id, ActivityDirection.Outbound), (queued.Activity!.DealId, queued.Activity.Direction));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=conversation-outbound]")));
    }

    [Fact]
    public async Task ACardWithoutAChannelShowsNoAnswerBox()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var page = RenderInLayout<DealCardPage>(p => p.Add(x => x.Id, deal.Id));
        page.WaitForElement("[data-testid=deal-stage]");
        Assert.Empty(page.FindAll("[data-testid=conversation]"));
    }
}
