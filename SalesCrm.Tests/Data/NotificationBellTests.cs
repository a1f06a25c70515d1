using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Notifications;
using SalesCrm.Domain.Notifications;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>The bell puts a request to the person before routine alerts, which come as one line per kind with their count.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class NotificationBellTests : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task AHelpRequestIsNeverBuriedUnderStuckAlerts()
    {
        var me = await H.User.SignInAsAsync("lead@demo.salescrm");
        var now = H.Time.GetUtcNow().UtcDateTime;
        await H.QueryAsync(async db =>
        {
            await db.Notifications.Where(n => n.RecipientId == me.ManagerId).ExecuteDeleteAsync();
            for (var i = 0; i < 120; i++)
                db.Notifications.Add(new Notification(me.ManagerId, NotificationKind.StuckDeal, $"Сделка застряла {i}", null, "/deals/1", $"test-stuck-{i}",
                    now.AddMinutes(i)));
            // The help request came first; 120 stuck alerts arrived after it.
            db.Notifications.Add(new Notification(me.ManagerId, NotificationKind.Escalation, "Нужна помощь: ООО «Проверка»", "Клиент тянет", "/deals/2", null,
                now.AddMinutes(-1)));
            return await db.SaveChangesAsync();
        });

        var service = H.Get<NotificationService>();
        var bell = await service.BellAsync();
        Assert.Equal(NotificationKind.Escalation, bell.Items[0].Kind);
        Assert.DoesNotContain(bell.Items, n => n.Kind == NotificationKind.StuckDeal);
        var stuck = Assert.Single(bell.Groups);
        Assert.Equal((NotificationKind.StuckDeal, 120, "Сделка застряла 119"), (stuck.Kind, stuck.Unread, stuck.Latest.Title));
        Assert.Equal(2, bell.Unread); // the request, and one line of stuck alerts
        Assert.Equal(2, await service.UnreadCountAsync());

        await service.MarkKindReadAsync(NotificationKind.StuckDeal);
        Assert.Equal(1, await service.UnreadCountAsync());
        Assert.Equal(0, (await service.BellAsync()).Groups.Single().Unread);
        Assert.False((await service.BellAsync()).Items[0].IsRead);
    }
}
