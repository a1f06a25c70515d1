using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Clients;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// While a new client is typed, an INN, phone or e-mail another client already has is flagged: named when the user may open
/// that client, only said to exist when it is another team's; the client being edited does not flag itself.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class KnownClients : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task AKnownInnPhoneOrEmailIsFlaggedWithinAccess()
    {
        var me = await H.User.SignInAsAsync("m1@demo.salescrm");
        await using var db = H.Db();
        var m5 = await db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync();
        var mine = await db.Clients.Where(c => c.OwnerId == me.ManagerId && c.Inn != null && c.Phone != null).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Name, c.Inn, c.Phone }).FirstAsync();
        var theirs = await db.Clients.Where(c => c.OwnerId == m5 && c.Inn != null && !db.Deals.Any(d => d.ClientId == c.Id && d.Owner!.TeamId == me.TeamId))
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.Inn }).FirstAsync();
        var service = H.Get<ClientService>();

        var own = await service.KnownAsync(mine.Inn, null, null);
        Assert.Equal(new KnownClient("Inn", mine.Id, mine.Name), Assert.Single(own));
        Assert.Contains(await service.KnownAsync(null, mine.Phone, null), k => k.Field == "Phone" && k.Id == mine.Id);
        var other = Assert.Single(await service.KnownAsync(theirs.Inn, null, null));
        Assert.Equal(("Inn", (int?)null, (string?)null), (other.Field, other.Id, other.Name));
        Assert.Empty(await service.KnownAsync(mine.Inn, mine.Phone, null, exceptId: mine.Id));
        Assert.Empty(await service.KnownAsync("123", "abc", "not-an-email"));
    }
}
