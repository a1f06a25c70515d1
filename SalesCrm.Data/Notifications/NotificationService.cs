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

/// <summary>The current user's bell: only their own notifications, ever.</summary>
public sealed class NotificationService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time)
{
    public async Task<int> UnreadCountAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.RecipientId == user.ManagerId && n.ReadAt == null, ct);
    }

    public async Task<IReadOnlyList<NotificationItem>> LatestAsync(int take = 15, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking().Where(n => n.RecipientId == user.ManagerId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(take, 1, 100))
            .Select(n => new NotificationItem(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
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
