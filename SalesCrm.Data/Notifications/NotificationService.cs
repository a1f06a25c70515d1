using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Notifications;

namespace SalesCrm.Data.Notifications;

/// <summary>How a person wants to be told: e-mail too (when SMTP is configured), and kinds that only go to the bell.</summary>
public sealed record NotificationPreferences(bool Email, IReadOnlySet<NotificationKind> Quiet)
{
    public bool Pops(NotificationKind kind) => !Quiet.Contains(kind);
}

public sealed record NotificationItem(int Id, NotificationKind Kind, string Title, string? Body, string? Link, DateTime CreatedAt, bool IsRead);

/// <summary>The routine alerts of one kind, as one line of the bell: how many are unread and the newest.</summary>
public sealed record NotificationGroup(NotificationKind Kind, int Unread, NotificationItem Latest);

/// <summary>
/// What the bell shows (<see cref="NotificationKinds"/>): the requests to the person one by one, newest first, then one line
/// per routine kind. <see cref="Unread"/> is the badge: unread requests, plus one for each routine kind with news.
/// </summary>
public sealed record BellContents(IReadOnlyList<NotificationItem> Items, IReadOnlyList<NotificationGroup> Groups, int Unread);

/// <summary>The current user's bell: only their own notifications, ever.</summary>
public sealed class NotificationService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time)
{
    /// <summary>The badge: unread requests, plus one for each routine kind with unread alerts.</summary>
    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var routine = NotificationKinds.Routine.ToList();
        var unread = db.Notifications.Where(n => n.RecipientId == user.ManagerId && n.ReadAt == null);
        return await unread.CountAsync(n => !routine.Contains(n.Kind), ct)
               + await unread.Where(n => routine.Contains(n.Kind)).Select(n => n.Kind).Distinct().CountAsync(ct);
    }

    public async Task<BellContents> BellAsync(int take = 15, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var routine = NotificationKinds.Routine.ToList();
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == user.ManagerId);
        var items = await Items(mine.Where(n => !routine.Contains(n.Kind)), take).ToListAsync(ct);
        var groups = new List<NotificationGroup>();
        foreach (var kind in routine)
        {
            var latest = await Items(mine.Where(n => n.Kind == kind), 1).FirstOrDefaultAsync(ct);
            if (latest is null) continue;
            groups.Add(new NotificationGroup(kind, await mine.CountAsync(n => n.Kind == kind && n.ReadAt == null, ct), latest));
        }
        var unread = await mine.CountAsync(n => !routine.Contains(n.Kind) && n.ReadAt == null, ct) + groups.Count(g => g.Unread > 0);
        return new BellContents(items, groups, unread);
    }

    private static IQueryable<NotificationItem> Items(IQueryable<Domain.Notifications.Notification> notifications, int take) =>
        notifications.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(take, 1, 100))
            .Select(n => new NotificationItem(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null));

    /// <summary>Marks every unread alert of a routine kind read (the user opened that line of the bell).</summary>
    public async Task MarkKindReadAsync(NotificationKind kind, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.RecipientId == user.ManagerId && n.Kind == kind && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<IReadOnlyList<NotificationItem>> LatestAsync(int take = 15, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await Items(db.Notifications.AsNoTracking().Where(n => n.RecipientId == user.ManagerId), take).ToListAsync(ct);
    }

    public async Task MarkReadAsync(int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var n = await db.Notifications.SingleOrDefaultAsync(x => x.Id == id && x.RecipientId == user.ManagerId, ct)
                ?? throw new NotFoundException("Уведомление не найдено.");
        n.MarkRead(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public async Task MarkAllReadAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.RecipientId == user.ManagerId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<NotificationPreferences> PreferencesAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var m = await db.Managers.AsNoTracking().Where(x => x.Id == user.ManagerId).Select(x => new { x.EmailNotifications, x.QuietKinds }).SingleAsync(ct);
        return new NotificationPreferences(m.EmailNotifications, ParseKinds(m.QuietKinds));
    }

    public async Task SavePreferencesAsync(NotificationPreferences preferences, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var m = await db.Managers.SingleAsync(x => x.Id == user.ManagerId, ct);
        m.SetNotificationPreferences(preferences.Email, preferences.Quiet.Select(k => k.ToString()));
        await db.SaveChangesAsync(ct);
    }

    public static IReadOnlySet<NotificationKind> ParseKinds(IEnumerable<string> kinds) =>
        kinds.Select(k => Enum.TryParse<NotificationKind>(k, true, out var kind) ? kind : (NotificationKind?)null).OfType<NotificationKind>().ToHashSet();
}
