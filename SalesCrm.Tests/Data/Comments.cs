using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Comments;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Comments on deals and clients: the team lead's advice with a mention tells the manager (a notification, published
/// live), «@Фамилия» in the text mentions too, a colleague who cannot see the deal cannot be mentioned, and a manager of
/// another team can neither read nor write there. The comment shows in the deal's and the client's history.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class Comments : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheTeamLeadsAdviceTellsTheManagerAndStaysInTheHistory()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var (m1, m2, m5) = await H.QueryAsync(async db => (
            await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm"),
            await db.Managers.SingleAsync(m => m.Email == "m2@demo.salescrm"),
            await db.Managers.SingleAsync(m => m.Email == "m5@demo.salescrm")));
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var service = H.Get<CommentService>();

        var people = await service.MentionableAsync(CardSubject.Deal, deal.Id);
        Assert.Contains(people, p => p.Id == m1.Id);
        Assert.DoesNotContain(people, p => p.Id == m2.Id || p.Id == m5.Id);

        var surname = m1.FullName.Split(' ')[0];
        var saved = await service.AddAsync(CardSubject.Deal, deal.Id, $"@{surname}, предложи клиенту франшизу 100 000 ₽ — снизит премию без скидки.", []);
        Assert.Equal([m1.FullName], saved.Mentioned);
        var told = await H.QueryAsync(db => db.Notifications.Where(n => n.RecipientId == m1.Id && n.Kind == NotificationKind.Mention).ToListAsync());
        Assert.Contains(told, n => n.Link == $"/deals/{deal.Id}" && n.Body!.Contains("франшизу"));
        Assert.Contains(H.Events.Published, e => e is CommentAdded);
        Assert.Contains(H.Events.Published, e => e is NotificationCreated { Notification.RecipientId: var r } && r == m1.Id);

        // A colleague who does not see the deal cannot be mentioned: the mention would show it to them.
        var refused = await Assert.ThrowsAsync<DomainException>(() => service.AddAsync(CardSubject.Deal, deal.Id, "Посмотри", [m5.Id]));
        Assert.Equal("Mentions", refused.Field);

        // The manager reads it on the deal, and in the deal's and the client's history.
        await H.User.SignInAsAsync("m1@demo.salescrm");
        Assert.Contains(await service.ListAsync(CardSubject.Deal, deal.Id), c => c.Text.Contains("франшизу"));
        var card = await H.Get<DealService>().GetCardAsync(deal.Id);
        Assert.Contains(card.Timeline, i => i.Kind == TimelineKind.Comment && i.Text!.Contains("франшизу") && i.To == m1.FullName);

        // A manager of the other team neither reads nor writes there.
        await H.User.SignInAsAsync("m5@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.ListAsync(CardSubject.Deal, deal.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.AddAsync(CardSubject.Deal, deal.Id, "Привет", []));
        Assert.Equal(1, await H.QueryAsync(db => db.Comments.CountAsync(c => c.DealId == deal.Id)));
    }

    [Fact]
    public async Task AnEmptyOrOverlongCommentIsRefusedAndNothingIsWritten()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<CommentService>();
        await Assert.ThrowsAsync<DomainException>(() => service.AddAsync(CardSubject.Deal, deal.Id, "   ", []));
        await Assert.ThrowsAsync<DomainException>(() => service.AddAsync(CardSubject.Deal, deal.Id, new string('а', Comment.MaxLength + 1), []));
        Assert.Equal(0, await H.QueryAsync(db => db.Comments.CountAsync(c => c.DealId == deal.Id)));

        var client = deal.ClientId;
        await service.AddAsync(CardSubject.Client, client, "Клиент просит звонить после 15:00", []);
        Assert.Single(await service.ListAsync(CardSubject.Client, client));
    }
}
