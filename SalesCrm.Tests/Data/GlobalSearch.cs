using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Search;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// The app bar's search on each provider: a client by part of its name in any case, by INN, by a phone typed any way; a
/// contact by name; a deal by number; a lead by e-mail — and only within what the user may open.
/// </summary>
public abstract class GlobalSearchContract : IAsyncLifetime
{
    private static int _seq = Random.Shared.Next(1_000_000, 9_000_000);

    protected ServiceHarness H { get; private set; } = default!;

    protected abstract Task<(string ConnectionString, DatabaseProvider Provider)> DatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        var (connection, provider) = await DatabaseAsync();
        H = await ServiceHarness.CreateAsync(connection, provider);
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<IReadOnlyList<SearchHit>> SearchAsync(string text) => H.Get<SearchService>().SearchAsync(text);

    [Fact]
    public async Task FindsClientsContactsDealsAndLeadsAsTypedWithinAccess()
    {
        var n = Interlocked.Increment(ref _seq);
        var inn = Inn.Complete("50" + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture));
        var phone = $"+7 (916) {n % 1000:D3}-{n / 1000 % 100:D2}-{n / 100000 % 100:D2}";
        int clientId, otherId;
        await using (var db = H.Db())
        {
            var m1 = await db.Managers.Where(m => m.Email == "m1@demo.salescrm").Select(m => m.Id).SingleAsync();
            var m5 = await db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.Id).SingleAsync();
            var client = new Client($"ООО «Зенит-Кварц {n}»", Inn.Parse(inn), null, "Производство", "Москва", ClientSegment.Medium, m1, H.Time.GetUtcNow().UtcDateTime);
            client.SetContacts(phone, $"office{n}@zenit.ru", null);
            client.AddContact($"Громова Ирина {n}", "Директор", $"+7 903 {n % 1000:D3}-00-00", null, true, H.Time.GetUtcNow().UtcDateTime);
            db.Clients.Add(client);
            var other = new Client($"АО «Зенит-Кварц Юг {n}»", Inn.Parse(Inn.Complete("61" + n.ToString("D7", System.Globalization.CultureInfo.InvariantCulture))), null,
                "Производство", "Ростов", ClientSegment.Small, m5, H.Time.GetUtcNow().UtcDateTime);
            db.Clients.Add(other);
            await db.SaveChangesAsync();
            (clientId, otherId) = (client.Id, other.Id);
        }

        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Contains(await SearchAsync($"зенит-кварц {n}"), h => h.Kind == SearchKind.Client && h.Id == clientId);
        Assert.Contains(await SearchAsync(inn), h => h.Kind == SearchKind.Client && h.Id == clientId);
        // A phone typed with 8 and without punctuation finds the one stored as «+7 (916) …».
        Assert.Contains(await SearchAsync("8" + new string(phone.Where(char.IsAsciiDigit).ToArray())[1..]), h => h.Kind == SearchKind.Client && h.Id == clientId);
        Assert.Contains(await SearchAsync($"громова ирина {n}"), h => h.Kind == SearchKind.Contact && h.Url == $"/clients/{clientId}");
        var deal = await H.QueryAsync(db => db.Deals.OrderBy(d => d.Id).Select(d => new { d.Id, d.OwnerId }).FirstAsync());
        Assert.Contains(await SearchAsync(deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), h => h.Kind == SearchKind.Deal && h.Id == deal.Id);
        Assert.Empty(await SearchAsync("зе"));

        // A manager finds their own client, not a colleague's of another team.
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var mine = await SearchAsync($"Зенит-Кварц");
        Assert.Contains(mine, h => h.Id == clientId && h.Kind == SearchKind.Client);
        Assert.DoesNotContain(mine, h => h.Id == otherId && h.Kind == SearchKind.Client);

        // A rename is found at once (the index follows the record).
        await using (var db = H.Db())
        {
            var client = await db.Clients.SingleAsync(c => c.Id == clientId);
            client.SetName($"ООО «Полярис {n}»");
            await db.SaveChangesAsync();
        }
        Assert.Contains(await SearchAsync($"полярис {n}"), h => h.Id == clientId);
        Assert.DoesNotContain(await SearchAsync($"зенит-кварц {n}"), h => h.Id == clientId && h.Kind == SearchKind.Client);
    }

    [Fact]
    public async Task QuotesAndPercentSignsAreSearchedAsText()
    {
        await H.User.SignInAsAsync("head@demo.salescrm");
        Assert.Empty(await SearchAsync("\"; DROP TABLE Clients; --"));
        Assert.Empty(await SearchAsync("%%%_"));
        Assert.True(await H.QueryAsync(db => db.Clients.AnyAsync()));
    }
}

[Trait(TestKind.Key, TestKind.Data)]
public sealed class SqliteGlobalSearch : GlobalSearchContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync() => (await TestDatabase.CopyAsync(), DatabaseProvider.Sqlite);
}

[Trait(TestKind.Key, TestKind.Server)]
public sealed class PostgreSqlGlobalSearch(PostgresServer server) : GlobalSearchContract
{
    protected override async Task<(string, DatabaseProvider)> DatabaseAsync() =>
        (await server.CreateDemoDatabaseAsync(clients: 60, deals: 120), DatabaseProvider.PostgreSql);
}
