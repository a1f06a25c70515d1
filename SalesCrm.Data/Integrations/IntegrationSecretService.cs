using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

/// <summary>What the settings page shows of a secret: never the secret, only whether there is one and its last characters.</summary>
public sealed record IntegrationSecretInfo(IntegrationKind Kind, bool Configured, string? Hint, DateTime? CreatedAt, DateTime? PreviousValidUntil,
    string? Account = null);

/// <summary>
/// The secrets connected systems sign with. The admin or the head generates one (it is shown once) and rotates it (the
/// previous one stays valid for <see cref="IntegrationSecret.Grace"/>); every change is audited without the value.
/// </summary>
public sealed class IntegrationSecretService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, SecurityLog security,
    IntegrationSecretVerifier verifier, ConnectorHealth health)
{
    /// <summary>How each connector is doing: last message, last failure, what waits (the integrations page).</summary>
    public async Task<IReadOnlyList<ConnectorRow>> ConnectorsAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        return await health.ReadAsync(ct);
    }

    public async Task<IntegrationSecretInfo> InfoAsync(IntegrationKind kind, CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = await db.IntegrationSecrets.AsNoTracking().SingleOrDefaultAsync(x => x.Kind == kind, ct);
        var now = time.GetUtcNow().UtcDateTime;
        return s is null
            ? new IntegrationSecretInfo(kind, false, null, null, null)
            : new IntegrationSecretInfo(kind, true, s.Hint, s.CreatedAt, s.PreviousValidUntil > now ? s.PreviousValidUntil : null, s.Account);
    }

    /// <summary>Generates the first secret or rotates the current one; returns the new secret, the only time it is shown.</summary>
    public async Task<string> GenerateAsync(IntegrationKind kind, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        var secret = IntegrationSecret.NewSecret();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        var current = await db.IntegrationSecrets.SingleOrDefaultAsync(x => x.Kind == kind, ct);
        if (current is null) db.IntegrationSecrets.Add(new IntegrationSecret(kind, secret, user.ManagerId, now));
        else current.Rotate(secret, user.ManagerId, now);
        await db.SaveChangesAsync(ct);
        verifier.Forget();
        return secret;
    }

    /// <summary>
    /// Keeps the account and secret a connected system issued (Mango Office's API key and salt, entered from its settings);
    /// audited without the secret.
    /// </summary>
    public async Task IssuedAsync(IntegrationKind kind, string account, string secret, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        if (kind == IntegrationKind.Telephony) throw new DomainException("Секрет этой интеграции создаёт SalesCrm: нажмите «Создать».", "kind");
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        var current = await db.IntegrationSecrets.SingleOrDefaultAsync(x => x.Kind == kind, ct);
        if (current is null)
        {
            current = new IntegrationSecret(kind, secret, user.ManagerId, now);
            db.IntegrationSecrets.Add(current);
        }
        current.Issued(account, secret, user.ManagerId, now);
        await db.SaveChangesAsync(ct);
        verifier.Forget();
    }

    /// <summary>Which active employee each PBX extension reaches, and who works with clients without one (the telephony settings).</summary>
    public async Task<IReadOnlyList<(string? Extension, string FullName, StaffRole Role)>> ExtensionsAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var staff = await db.Managers.AsNoTracking().Where(m => m.IsActive).Select(m => new { m.Extension, m.FullName, m.Role }).ToListAsync(ct);
        return [.. staff.OrderBy(m => m.Extension is null).ThenBy(m => m.Extension, StringComparer.Ordinal).ThenBy(m => m.FullName)
            .Select(m => (m.Extension, m.FullName, m.Role))];
    }

    private async Task<CurrentUser> RequireAsync(CancellationToken ct) =>
        await users.RequireRoleAsync(security, u => u.ConfiguresDepartment, "IntegrationSecret", "manage",
            "Секретами интеграций управляют администратор и начальник отдела.", ct);
}

/// <summary>
/// The secrets a request of a connected system may be signed with now. Kept for a few seconds, so a burst of calls does not
/// query the database for each; a rotation on this node takes effect at once, on the others within <see cref="CacheFor"/>.
/// </summary>
public sealed class IntegrationSecretVerifier(IProviderContextFactory contexts, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IntegrationKind, (IReadOnlyList<string> Secrets, DateTime At)> _cache = new();

    public async Task<IReadOnlyList<string>> ValidAsync(IntegrationKind kind, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(kind, out var cached) && now - cached.At < CacheFor) return cached.Secrets;
        await using var db = contexts.Create();
        var secret = await db.IntegrationSecrets.AsNoTracking().SingleOrDefaultAsync(x => x.Kind == kind, ct);
        var valid = secret?.ValidAt(now) ?? [];
        _cache[kind] = (valid, now);
        return valid;
    }

    /// <summary>The account a connected system's requests must name, and the secrets they may be signed with now.</summary>
    public async Task<(string? Account, IReadOnlyList<string> Secrets)> CredentialsAsync(IntegrationKind kind, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_accounts.TryGetValue(kind, out var cached) && now - cached.At < CacheFor) return (cached.Account, cached.Secrets);
        await using var db = contexts.Create();
        var secret = await db.IntegrationSecrets.AsNoTracking().SingleOrDefaultAsync(x => x.Kind == kind, ct);
        var valid = secret?.ValidAt(now) ?? [];
        _accounts[kind] = (secret?.Account, valid, now);
        return (secret?.Account, valid);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IntegrationKind, (string? Account, IReadOnlyList<string> Secrets, DateTime At)> _accounts = new();

    public void Forget()
    {
        _cache.Clear();
        _accounts.Clear();
    }
}
