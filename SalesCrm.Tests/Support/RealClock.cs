using System.Diagnostics;

namespace SalesCrm.Tests.Support;

/// <summary>
/// The helper servers (PostgreSQL, Redis) run on the machine's real clock even when the suite runs under libfaketime
/// (<c>./test.sh --at</c>): redis-server's allocator deadlocks inside libfaketime, and PostgreSQL, started as its own user,
/// cannot open the clock's shared semaphore that root created. Neither clock is read by the app: every time the app stores
/// or compares comes from its <see cref="TimeProvider"/>, as a parameter, never from the server's <c>now()</c>.
/// </summary>
public static class RealClock
{
    public static ProcessStartInfo For(ProcessStartInfo info)
    {
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("FAKETIME", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        if (info.Environment.TryGetValue("LD_PRELOAD", out var preload) && preload is not null)
        {
            var kept = preload.Split(' ', ':').Where(p => p.Length > 0 && !p.Contains("faketime", StringComparison.Ordinal)).ToList();
            if (kept.Count == 0) info.Environment.Remove("LD_PRELOAD");
            else info.Environment["LD_PRELOAD"] = string.Join(':', kept);
        }
        return info;
    }
}
