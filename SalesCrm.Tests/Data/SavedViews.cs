using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Deals;
using SalesCrm.Data.Views;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Views;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Shared;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Saved views through their service: a manager saves «Мои горящие сделки» with the list's filters, sort and hidden columns
/// (anything else in the address is dropped), a second view of the same name is refused in Russian, saving over it needs the
/// version the user saw, one default per list; nobody reads or changes someone else's views (refused and logged); and a view
/// never shows more than the list's own access scope does.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class SavedViews : IAsyncLifetime
{
    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task AManagerSavesOverwritesAndChoosesTheDefault()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var views = H.Get<SavedViewService>();

        var hot = await views.SaveAsync(SavedList.Deals, "  Мои горящие сделки ", "?id=5&stuck=1&desc=1&sort=Premium&evil=%3Cscript%3E&q=%D0%A0%D0%BE%D0%BC",
            ["product", "NextStep", "no-such-column"], isDefault: true);
        Assert.Equal("Мои горящие сделки", hot.Name);
        Assert.Equal("q=%D0%A0%D0%BE%D0%BC&stuck=1&sort=Premium&desc=1", hot.Query);
        Assert.Equal(["product", "nextstep"], hot.HiddenColumns);
        Assert.Equal(hot.Query + "&hide=product%2Cnextstep", hot.Address);
        Assert.True(hot.IsDefault);

        // The same name in another case is the same view: refused with a message the user can act on, nothing saved.
        var taken = await Assert.ThrowsAsync<DomainException>(() => views.SaveAsync(SavedList.Deals, "МОИ ГОРЯЩИЕ СДЕЛКИ", "open=1", [], false));
        Assert.Equal("Name", taken.Field);
        Assert.Equal("Вид с названием «{0}» у вас уже есть — выберите другое название или сохраните поверх него.", taken.Text.Format);
        // Another list may have a view of that name.
        await views.SaveAsync(SavedList.Leads, "Мои горящие сделки", "view=mine", [], false);

        // Saving over it takes the version the user saw; a stale one is a conflict and changes nothing.
        var over = await views.SaveAsync(SavedList.Deals, "Мои горящие сделки", "open=1&sort=ExpectedClose&desc=0", [], true, hot.Version);
        Assert.Equal(("open=1&sort=ExpectedClose&desc=0", hot.Id), (over.Query, over.Id));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => views.SaveAsync(SavedList.Deals, "Мои горящие сделки", "stuck=1", [], true, hot.Version));
        Assert.Equal("open=1&sort=ExpectedClose&desc=0", (await views.DefaultAsync(SavedList.Deals))!.Query);

        // One default per user and list: a new default takes over.
        var week = await views.SaveAsync(SavedList.Deals, "Закрытие на неделе", "open=1&sort=ExpectedClose&desc=0", ["owner"], true);
        Assert.Equal(week.Id, (await views.DefaultAsync(SavedList.Deals))!.Id);
        Assert.Equal(1, (await views.ListAsync(SavedList.Deals)).Count(v => v.IsDefault));
        await views.SetDefaultAsync(over.Id, true);
        Assert.Equal([over.Id], (await views.ListAsync(SavedList.Deals)).Where(v => v.IsDefault).Select(v => v.Id));

        // Losing the default changed the other view: its old version is stale now.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => views.RenameAsync(week.Id, week.Version, "Закрываются на неделе"));
        week = (await views.ListAsync(SavedList.Deals)).Single(v => v.Id == week.Id);
        var renamed = await views.RenameAsync(week.Id, week.Version, "Закрываются на неделе");
        Assert.Equal("Закрываются на неделе", renamed.Name);
        await Assert.ThrowsAsync<DomainException>(() => views.RenameAsync(week.Id, renamed.Version, "мои горящие сделки"));
        await Assert.ThrowsAsync<DomainException>(() => views.RenameAsync(week.Id, renamed.Version, new string('я', SavedView.NameMaxLength + 1)));

        await views.DeleteAsync(over.Id);
        Assert.Null(await views.DefaultAsync(SavedList.Deals));
        Assert.Equal(["Закрываются на неделе"], (await views.ListAsync(SavedList.Deals)).Select(v => v.Name));
    }

    [Fact]
    public async Task NobodyReadsOrChangesSomeoneElsesViews()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var views = H.Get<SavedViewService>();
        var mine = await views.SaveAsync(SavedList.Clients, "Высокий риск", "risk=High", ["segment"], true);

        await H.User.SignInAsAsync("lead@demo.salescrm");
        Assert.Empty(await views.ListAsync(SavedList.Clients));
        Assert.Null(await views.DefaultAsync(SavedList.Clients));
        await Assert.ThrowsAsync<AccessDeniedException>(() => views.RenameAsync(mine.Id, mine.Version, "Моё"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => views.SetDefaultAsync(mine.Id, false));
        await Assert.ThrowsAsync<AccessDeniedException>(() => views.DeleteAsync(mine.Id));
        // Saving a view of the same name makes the team lead's own, and leaves the manager's as it was.
        var theirs = await views.SaveAsync(SavedList.Clients, "Высокий риск", "risk=Medium", [], false);
        Assert.NotEqual(mine.Id, theirs.Id);

        var denied = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(SavedView) && a.Action == AuditAction.AccessDenied).ToListAsync());
        Assert.Equal(3, denied.Count);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        Assert.Equal(("risk=High", true), ((await views.DefaultAsync(SavedList.Clients))!.Query, mine.IsDefault));
    }

    [Fact]
    public async Task AViewOfAnotherTeamShowsNothingTheManagerMayNotSee()
    {
        var (m1, team1, team2) = await H.QueryAsync(async db =>
        {
            var manager = await db.Managers.SingleAsync(m => m.Email == "m1@demo.salescrm");
            var other = await db.Managers.Where(m => m.Email == "m5@demo.salescrm").Select(m => m.TeamId).SingleAsync();
            return (manager.Id, manager.TeamId!.Value, other!.Value);
        });
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var views = H.Get<SavedViewService>();
        var deals = H.Get<DealService>();
        var ownTeam = await views.SaveAsync(SavedList.Deals, "Команда", $"team={team1}&sort=Premium", [], false);
        var otherTeam = await views.SaveAsync(SavedList.Deals, "Чужая команда", $"team={team2}", [], false);

        var shown = await deals.ListAsync(Apply(ownTeam) with { PageSize = 200 });
        Assert.NotEmpty(shown.Items);
        Assert.All(shown.Items, d => Assert.Equal(m1, d.OwnerId));
        Assert.Equal((await deals.ListAsync(new DealListQuery())).Total, shown.Total);
        Assert.Equal(0, (await deals.ListAsync(Apply(otherTeam))).Total);
    }

    /// <summary>Opening the deal list at the view's address, read as the page reads it.</summary>
    private static DealListQuery Apply(SavedViewInfo view)
    {
        var values = SavedViewAddress.Parse(view.Address);
        return DealListAddress.Read(key => values.GetValueOrDefault(key));
    }
}
