using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Engagement;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Engagement;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Call scripts through <see cref="CallScriptService"/>: leaders write them, everyone in sales reads them, the deal gets the most
/// specific one for its stage and product, a colleague's edit in between is a conflict, and an objection recorded with a call
/// is kept as its tag.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class CallScripts : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public void ObjectionsAreLinesOfAnObjectionAndItsAnswer()
    {
        var parsed = CallScript.ParseObjections("Дорого — Сравним покрытие и франшизу с конкурентом\n\n• Уже застрахованы: Когда заканчивается договор?\r\n");
        Assert.Equal([new ScriptObjection("Дорого", "Сравним покрытие и франшизу с конкурентом"), new ScriptObjection("Уже застрахованы", "Когда заканчивается договор?")], parsed);
        Assert.Equal("ObjectionsText", Assert.Throws<DomainException>(() => CallScript.ParseObjections("Дорого —")).Field);
        Assert.Contains("дважды", Assert.Throws<DomainException>(() => CallScript.ParseObjections("Дорого — а\nдорого — б")).Message);
        Assert.Equal("возражение: дорого", ObjectionTags.Of(" Дорого "));
    }

    [Fact]
    public async Task TheDealGetsTheMostSpecificScriptAndOnlyLeadersWriteThem()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        var scripts = H.Get<CallScriptService>();
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => scripts.SaveAsync(null, null, new CallScriptInput("Мой", null, null, "Текст", null)));
        Assert.Null(await scripts.ForDealAsync(deal.Id));

        await H.User.SignInAsAsync("lead@demo.salescrm");
        var general = await scripts.SaveAsync(null, null, new CallScriptInput("Общий", null, null, "Представиться\nУточнить потребность", "Дорого — Сравним условия"));
        await scripts.SaveAsync(null, null, new CallScriptInput("Квалификация, все продукты", StageCode.Qualification, null, "Уточнить сроки", null));
        var other = await H.QueryAsync(db => db.Products.Where(p => p.Id != deal.ProductId).Select(p => p.Id).FirstAsync());
        await scripts.SaveAsync(null, null, new CallScriptInput("Квалификация другого продукта", StageCode.Qualification, other, "не тот", null));
        var exact = await scripts.SaveAsync(null, null, new CallScriptInput("Квалификация продукта", StageCode.Qualification, deal.ProductId,
            "Назвать цель звонка\nУзнать, когда заканчивается текущий договор", "Дорого — Покажем, из чего складывается премия\nНет времени — Предложим 10 минут в четверг"));

        await H.User.SignInAsAsync("m1@demo.salescrm");
        var shown = await scripts.ForDealAsync(deal.Id);
        Assert.Equal(exact, shown!.Id);
        Assert.Equal(["Дорого", "Нет времени"], shown.Objections.Select(o => o.Objection));
        Assert.Equal(4, (await scripts.ListAsync()).Count);

        await H.User.SignInAsAsync("m5@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => scripts.ForDealAsync(deal.Id));

        // A colleague's save in between is a conflict; archiving the exact script leaves the stage's general one.
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var seen = shown.Version;
        await scripts.SaveAsync(exact, seen, new CallScriptInput("Квалификация продукта", StageCode.Qualification, deal.ProductId, "Новый текст", null));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => scripts.SaveAsync(exact, seen, new CallScriptInput("Старое", null, null, "Старый текст", null)));
        await scripts.ArchiveAsync(exact);
        Assert.Equal("Квалификация, все продукты", (await scripts.ForDealAsync(deal.Id))!.Name);
        Assert.NotEqual(general, (await scripts.ForDealAsync(deal.Id))!.Id);
    }

    [Fact]
    public async Task AnObjectionRecordedWithACallIsKeptAsItsTag()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.NeedsAnalysis);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var now = H.Time.GetUtcNow().UtcDateTime;
        await H.Get<DealService>().LogActivityAsync(deal.Id, new ActivityInput(ActivityKind.Call, now.AddMinutes(-5), ActivityDirection.Outbound, 7,
            "Клиент сравнивает с конкурентом", "Показал разницу в покрытии", [ObjectionTags.Of("Дорого"), ActivityTags.ObjectionHandled]));
        var call = await H.QueryAsync(db => db.Activities.AsNoTracking().Where(a => a.DealId == deal.Id).OrderByDescending(a => a.Id).FirstAsync());
        Assert.Contains("возражение: дорого", call.Tags);
        Assert.Contains(ActivityTags.ObjectionHandled, call.Tags);
    }
}
