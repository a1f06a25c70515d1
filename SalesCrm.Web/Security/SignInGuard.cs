using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Identity;

namespace SalesCrm.Web.Security;

/// <summary>
/// Slows password guessing without letting anyone lock somebody else out:
/// <list type="bullet">
/// <item>per e-mail (existing or not, shared by all nodes): after <see cref="FreeFailures"/> failures each further attempt
/// waits longer, up to <see cref="MaxWait"/> — never a lock; the owner on a browser they signed in from before is not slowed;</item>
/// <item>per address (this node): <see cref="AddressFailures"/> failures within <see cref="AddressWindow"/>, then wait.</item>
/// </list>
/// An unknown e-mail costs the same password hashing as a known one, so neither the answer nor its time tells which exist.
/// </summary>
public sealed class SignInGuard(IProviderContextFactory contexts, TimeProvider time, IDataProtectionProvider protection)
{
    public const int FreeFailures = 4;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
    public const int AddressFailures = 20;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(15);
    public const string DeviceCookie = ".SalesCrm.Device";

    private static readonly PasswordHasher<AppUser> Hasher = new();
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N")));

    private readonly ConcurrentDictionary<string, Queue<DateTime>> _addresses = new();
    private readonly IDataProtector _devices = protection.CreateProtector("SalesCrm.SignIn.Device");

    /// <summary>How long the next attempt must wait after <paramref name="failures"/> failures: 0 for the first few, then doubling to a minute.</summary>
    public static TimeSpan WaitAfter(int failures) =>
        failures <= FreeFailures ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxWait.TotalSeconds, Math.Pow(2, failures - FreeFailures)));

    /// <summary>How long this address must wait before trying again, or null.</summary>
    public TimeSpan? AddressWait(string address)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (!_addresses.TryGetValue(address, out var failures)) return null;
        lock (failures)
        {
            while (failures.Count > 0 && now - failures.Peek() > AddressWindow) failures.Dequeue();
            return failures.Count >= AddressFailures ? failures.Peek() + AddressWindow - now : null;
        }
    }

    /// <summary>How long attempts on this e-mail must wait, or null.</summary>
    public async Task<TimeSpan?> AccountWaitAsync(string email, CancellationToken ct = default)
    {
        var key = SignInFailures.KeyOf(email);
        await using var db = contexts.Create();
        var row = await db.SignInFailures.AsNoTracking().Where(f => f.Key == key).Select(f => new { f.Count, f.LastAt }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var until = row.LastAt + WaitAfter(row.Count);
        var now = time.GetUtcNow().UtcDateTime;
        return until > now ? until - now : null;
    }

    public async Task FailedAsync(string email, string address, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var failures = _addresses.GetOrAdd(address, _ => new Queue<DateTime>());
        lock (failures) failures.Enqueue(now);
        if (_addresses.Count > 100_000) _addresses.Clear(); // a scan from many addresses must not grow this without end

        var key = SignInFailures.KeyOf(email);
        var dayAgo = now.AddDays(-1);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var db = contexts.Create();
            var updated = await db.SignInFailures.Where(f => f.Key == key).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Count, f => f.LastAt < dayAgo ? 1 : f.Count + 1)
                .SetProperty(f => f.FirstAt, f => f.LastAt < dayAgo ? now : f.FirstAt)
                .SetProperty(f => f.LastAt, now), ct);
            if (updated > 0) return;
            var row = new SignInFailures(email, now);
            row.Failed(now);
            db.SignInFailures.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException)
            {
                // Another node recorded the first failure of this e-mail at the same moment: count this one on that row.
            }
        }
    }

    /// <summary>A successful sign-in (or an administrator's unlock) forgets the failures of the e-mail.</summary>
    public async Task ForgetAsync(string email, CancellationToken ct = default)
    {
        var key = SignInFailures.KeyOf(email);
        await using var db = contexts.Create();
        await db.SignInFailures.Where(f => f.Key == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>Spends the time a password check takes when there is no account to check it against.</summary>
    public static void Decoy(string password) => Hasher.VerifyHashedPassword(new AppUser(), DecoyHash.Value, password);

    /// <summary>This browser signed in as <paramref name="userId"/> before (a signed cookie it was given then).</summary>
    public bool IsKnownDevice(HttpContext http, string userId)
    {
        if (http.Request.Cookies[DeviceCookie] is not { Length: > 0 } value) return false;
        try
        {
            return _devices.Unprotect(value).Split(' ').Contains(userId, StringComparer.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Remembers on this browser that <paramref name="userId"/> signed in here (a year, signed, unreadable to scripts).</summary>
    public void RememberDevice(HttpContext http, string userId)
    {
        var known = new List<string>();
        if (http.Request.Cookies[DeviceCookie] is { Length: > 0 } value)
        {
            try
            {
                known.AddRange(_devices.Unprotect(value).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
            }
        }
        known.Remove(userId);
        known.Insert(0, userId);
        http.Response.Cookies.Append(DeviceCookie, _devices.Protect(string.Join(' ', known.Take(5))), new CookieOptions
        {
            Expires = time.GetUtcNow().AddYears(1), HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps,
        });
    }
}
