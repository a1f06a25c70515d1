using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Integrations;

public sealed record ApiKeyRow(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, bool Active);

/// <summary>What an <c>X-Api-Key</c> turned out to be.</summary>
public enum ApiKeyStatus
{
    Missing,
    Unknown,
    Revoked,
    Valid,
}

public sealed record ApiKeyCheck(ApiKeyStatus Status, int? Id, string? Name);

/// <summary>
/// Checks an <c>X-Api-Key</c> against the stored hashes. Answers are kept for a few seconds so that a burst of
/// requests does not query the key for each one; a revocation on this node takes effect at once, on other
/// nodes within <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyVerifier(IProviderContextFactory contexts, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiKeyCheck Check, DateTime At)> _cache = new();

    public async Task<ApiKeyCheck> CheckAsync(string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(key)) return new ApiKeyCheck(ApiKeyStatus.Missing, null, null);
        if (key.Length > 200) return new ApiKeyCheck(ApiKeyStatus.Unknown, null, null);
        var hash = ApiKey.Hash(key);
        var now = time.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(hash, out var cached) && now - cached.At < CacheFor) return cached.Check;
        await using var db = contexts.Create();
        var row = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash).Select(k => new { k.Id, k.Name, k.RevokedAt, k.LastUsedAt }).SingleOrDefaultAsync(ct);
        var check = row is null ? new ApiKeyCheck(ApiKeyStatus.Unknown, null, null)
            : row.RevokedAt is not null ? new ApiKeyCheck(ApiKeyStatus.Revoked, row.Id, row.Name)
            : new ApiKeyCheck(ApiKeyStatus.Valid, row.Id, row.Name);
        if (check.Status == ApiKeyStatus.Valid && (row!.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1)))
            await db.ApiKeys.Where(k => k.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        if (_cache.Count > 10_000) _cache.Clear(); // random keys from a scanner must not grow the cache without end
        _cache[hash] = (check, now);
        return check;
    }

    /// <summary>The key's id when it was checked valid on this node lately (no database read); otherwise null.</summary>
    public int? KnownValid(string? key) =>
        !string.IsNullOrWhiteSpace(key) && key.Length <= 200 && _cache.TryGetValue(ApiKey.Hash(key), out var cached)
        && cached.Check.Status == ApiKeyStatus.Valid && time.GetUtcNow().UtcDateTime - cached.At < TimeSpan.FromMinutes(10)
            ? cached.Check.Id : null;

    /// <summary>Forgets cached answers (a key was revoked on this node).</summary>
    public void Forget() => _cache.Clear();
}

/// <summary>Integration keys: the head or the admin creates (shown once), lists and revokes them.</summary>
public sealed class ApiKeyService(IDbContextFactory<CrmDbContext> factory, IUserContext users, TimeProvider time, ApiKeyVerifier verifier)
{
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Name)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt == null)).ToListAsync(ct);
    }

    /// <summary>Creates a key; the key itself is returned once and only its hash is kept.</summary>
    public async Task<string> CreateAsync(string name, CancellationToken ct = default)
    {
        var user = await RequireAsync(ct);
        var key = ApiKey.NewKey();
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(new ApiKey(name, key, user.ManagerId, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return key;
    }

    public async Task RevokeAsync(int id, CancellationToken ct = default)
    {
        await RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct) ?? throw new NotFoundException("Ключ не найден.");
        key.Revoke(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        verifier.Forget();
    }

    private async Task<CurrentUser> RequireAsync(CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        return user.ConfiguresDepartment
            ? user
            : throw new AccessDeniedException("Ключами интеграций управляют администратор и начальник отдела.");
    }
}
