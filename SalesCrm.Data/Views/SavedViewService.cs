using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Views;

namespace SalesCrm.Data.Views;

/// <summary>One saved view as its menu shows it; <see cref="Address"/> is what opening it navigates to.</summary>
public sealed record SavedViewInfo(int Id, SavedList List, string Name, string Query, IReadOnlyList<string> HiddenColumns, bool IsDefault,
    string Address, int Version);

/// <summary>
/// Saved views of the deal, lead and client lists. Strictly personal: every user reads and changes only their own; asking for
/// someone else's is refused and logged like any record the user may not open. A view stores an address, never a permission —
/// the list applies its own access scope to whatever filters the view holds.
/// </summary>
public sealed class SavedViewService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, TimeProvider time)
{
    /// <summary>A user keeps a handful of views per list; the cap keeps a runaway script from filling the menu and the table.</summary>
    public const int MaxPerList = 50;

    public async Task<IReadOnlyList<SavedViewInfo>> ListAsync(SavedList list, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var views = await Mine(db, user).AsNoTracking().Where(v => v.List == list).OrderBy(v => v.Name).ToListAsync(ct);
        return [.. views.Select(Info)];
    }

    /// <summary>The view the list opens with when its address is empty, if the user chose one.</summary>
    public async Task<SavedViewInfo?> DefaultAsync(SavedList list, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var view = await Mine(db, user).AsNoTracking().FirstOrDefaultAsync(v => v.List == list && v.IsDefault, ct);
        return view is null ? null : Info(view);
    }

    /// <summary>
    /// Saves the list's current address and hidden columns under a name. A name the user already has for this list is saved
    /// over only when <paramref name="expectedVersion"/> is that view's version (the user chose to overwrite what they saw);
    /// without it the name is refused as taken, with a stale one the save is a conflict.
    /// </summary>
    public async Task<SavedViewInfo> SaveAsync(SavedList list, string? name, string? query, IReadOnlyList<string> hiddenColumns, bool isDefault,
        int? expectedVersion = null, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var key = SavedView.KeyOf(name ?? "");
        var view = await Mine(db, user).FirstOrDefaultAsync(v => v.List == list && v.NameKey == key, ct);
        if (view is null)
        {
            if (await Mine(db, user).CountAsync(v => v.List == list, ct) >= MaxPerList)
                throw new DomainException(new UserText("У вас уже {0} видов этого списка — удалите ненужные.", MaxPerList), "Name");
            view = new SavedView(user.ManagerId, list, name ?? "", query, hiddenColumns, now);
            db.SavedViews.Add(view);
        }
        else
        {
            if (expectedVersion is not { } v) throw Taken(view.Name);
            Expect(db, view, v);
            view.Rename(name ?? "", now);
            view.Change(query, hiddenColumns, now);
        }
        if (isDefault) await MakeOnlyDefaultAsync(db, user, view, now, ct);
        else view.MakeDefault(false, now);
        await SaveAsync(db, list, view.Name, ct);
        return Info(view);
    }

    public async Task<SavedViewInfo> RenameAsync(int viewId, int expectedVersion, string? name, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var view = await LoadAsync(db, user, viewId, expectedVersion, "rename", ct);
        var key = SavedView.KeyOf(name ?? "");
        if (await Mine(db, user).AnyAsync(v => v.List == view.List && v.NameKey == key && v.Id != viewId, ct)) throw Taken(name!.Trim());
        view.Rename(name ?? "", time.GetUtcNow().UtcDateTime);
        await SaveAsync(db, view.List, view.Name, ct);
        return Info(view);
    }

    /// <summary>Makes the view the list's default (any other default of the user's for that list stops being one), or stops it being one.</summary>
    public async Task<SavedViewInfo> SetDefaultAsync(int viewId, bool isDefault, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var view = await LoadAsync(db, user, viewId, null, "set default", ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (isDefault) await MakeOnlyDefaultAsync(db, user, view, now, ct);
        else view.MakeDefault(false, now);
        await SaveAsync(db, view.List, view.Name, ct);
        return Info(view);
    }

    public async Task DeleteAsync(int viewId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.SavedViews.Remove(await LoadAsync(db, user, viewId, null, "delete", ct));
        await db.SaveChangesAsync(ct);
    }

    private static IQueryable<SavedView> Mine(CrmDbContext db, CurrentUser user) => db.SavedViews.Where(v => v.OwnerId == user.ManagerId);

    private async Task<SavedView> LoadAsync(CrmDbContext db, CurrentUser user, int viewId, int? expectedVersion, string what, CancellationToken ct)
    {
        await RecordGuard.EnsureVisibleAsync(Mine(db, user), db.SavedViews, v => v.Id == viewId, security, user, nameof(SavedView), viewId, what,
            "Это чужой вид — открыть или изменить его может только его владелец.", "Вид не найден — возможно, его уже удалили.", ct);
        var view = await db.SavedViews.SingleAsync(v => v.Id == viewId, ct);
        if (expectedVersion is { } v) Expect(db, view, v);
        return view;
    }

    /// <summary>The version the user saw must still be the view's, and the save is checked against it too (a race after the read).</summary>
    private static void Expect(CrmDbContext db, SavedView view, int expectedVersion)
    {
        if (view.Version != expectedVersion) throw Conflict(view);
        db.Entry(view).Property(x => x.Version).OriginalValue = expectedVersion;
    }

    private static async Task MakeOnlyDefaultAsync(CrmDbContext db, CurrentUser user, SavedView view, DateTime now, CancellationToken ct)
    {
        foreach (var other in await Mine(db, user).Where(v => v.List == view.List && v.IsDefault && v.Id != view.Id).ToListAsync(ct))
            other.MakeDefault(false, now);
        view.MakeDefault(true, now);
    }

    /// <summary>Saves; a save that lost a race on the version or on the name is told as such, with the name the user typed.</summary>
    private async Task SaveAsync(CrmDbContext db, SavedList list, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await factory.CreateDbContextAsync(ct);
            var key = SavedView.KeyOf(name);
            var current = await fresh.SavedViews.AsNoTracking().FirstOrDefaultAsync(v => v.List == list && v.NameKey == key, ct);
            throw current is null ? new ConcurrencyConflictException() : Conflict(current);
        }
        catch (DbUpdateException)
        {
            throw Taken(name);
        }
    }

    private static DomainException Taken(string name) =>
        new(new UserText("Вид с названием «{0}» у вас уже есть — выберите другое название или сохраните поверх него.", name), "Name");

    private static ConcurrencyConflictException Conflict(SavedView current) => new(Info(current), []);

    private static SavedViewInfo Info(SavedView v) =>
        new(v.Id, v.List, v.Name, v.Query, SavedViewAddress.SplitColumns(v.HiddenColumns), v.IsDefault, v.Address, v.Version);
}
