using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// Two people, one text: a free text typed over a text a colleague has changed meanwhile is refused with the current
/// card (so both texts can be shown) and nothing is written; edits of different texts of one deal both go in.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class TextEditControls : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private Task<Deal> StoredAsync(int id) => H.QueryAsync(db => db.Deals.AsNoTracking().SingleAsync(d => d.Id == id));

    [Fact]
    public async Task ATextTypedOverAColleaguesChangeIsRefusedAndTheColleaguesTextStays()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var seen = deal.NegotiationStrategy;

        await H.User.SignInAsAsync("lead@demo.salescrm");
        await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new(seen, "Давить на сроки: тендер 20-го"), new(deal.Agreements, deal.Agreements));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var before = await H.QueryAsync(DatabaseFingerprint.TakeAsync);
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new(seen, "Предложить скидку за пролонгацию"), new(deal.Agreements, deal.Agreements)));

        Assert.Equal("Давить на сроки: тендер 20-го", Assert.IsType<DealCard>(conflict.Current).NegotiationStrategy);
        Assert.Equal(before, await H.QueryAsync(DatabaseFingerprint.TakeAsync));
        Assert.Equal("Давить на сроки: тендер 20-го", (await StoredAsync(deal.Id)).NegotiationStrategy);

        // Having seen the colleague's text, the manager keeps their own: it is typed over the text now stored.
        await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new("Давить на сроки: тендер 20-го", "Предложить скидку за пролонгацию"), new(deal.Agreements, deal.Agreements));
        Assert.Equal("Предложить скидку за пролонгацию", (await StoredAsync(deal.Id)).NegotiationStrategy);
    }

    [Fact]
    public async Task TwoPeopleEditingTheTwoTextsOfOneDealBothKeepTheirWork()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new(deal.NegotiationStrategy, "Стратегия руководителя"), new(deal.Agreements, deal.Agreements));
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await H.Get<DealService>().UpdateTermsAsync(deal.Id, (await StoredAsync(deal.Id)).Version, deal.PremiumKopecks + 100_00, deal.ExpectedCloseDate);
        await H.Get<DealService>().SetNegotiationNotesAsync(deal.Id, new(deal.NegotiationStrategy, deal.NegotiationStrategy), new(deal.Agreements, "Договорились о встрече в пятницу"));

        var stored = await StoredAsync(deal.Id);
        Assert.Equal("Стратегия руководителя", stored.NegotiationStrategy);
        Assert.Equal("Договорились о встрече в пятницу", stored.Agreements);
        Assert.Equal(deal.PremiumKopecks + 100_00, stored.PremiumKopecks);
    }

    [Theory]
    [InlineData("старый", "новый", "старый", false)]
    [InlineData("старый", "новый", "чужой", true)]
    [InlineData("старый", "новый", "новый", false)]
    [InlineData("старый", "старый ", "чужой", false)]
    [InlineData(null, "новый", "", false)]
    [InlineData(null, "новый", "чужой", true)]
    public void ACollisionIsAChangeOverATextThatIsNoLongerThere(string? seen, string typed, string? stored, bool collides) =>
        Assert.Equal(collides, new TextEdit(seen, typed).CollidesWith(stored));
}
