using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SalesCrm.Data.Common;

/// <summary>A claim on one period of a background scan: the node that won it runs the scan, the others skip.</summary>
public sealed class ScanRun
{
    private ScanRun() { }

    public ScanRun(string name, long period, string node, DateTime startedAt)
    {
        Name = name;
        Period = period;
        Node = node;
        StartedAt = startedAt;
    }

    public string Name { get; private set; } = "";

    /// <summary>The period number: whole <c>Every</c> intervals since the Unix epoch.</summary>
    public long Period { get; private set; }

    public string Node { get; private set; } = "";
    public DateTime StartedAt { get; private set; }
}

internal sealed class ScanRunConfiguration : IEntityTypeConfiguration<ScanRun>
{
    public void Configure(EntityTypeBuilder<ScanRun> b)
    {
        b.ToTable("ScanRuns");
        b.HasKey(r => new { r.Name, r.Period });
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Node).HasMaxLength(200);
        b.HasIndex(r => r.StartedAt);
    }
}

/// <summary>
/// Background scans that must run once across several web nodes (stuck deals, speed to lead, renewal tasks, approval
/// SLAs, the weekly pack, the quality and diagnostics snapshots): time is cut into periods of the scan's interval and a
/// node runs a period only if it inserted its (scan, period) row first — the primary key lets exactly one insert win on
/// every engine. A node that dies mid-run loses that period; the next period catches up, as every scan works from the
/// state of the data, not from the time it last ran.
/// </summary>
public sealed class ScanRuns(IProviderContextFactory contexts, TimeProvider time)
{
    public const int KeepDays = 7;

    /// <summary>This process, as it appears in the claims and the log.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The period <paramref name="now"/> falls in for a scan run every <paramref name="every"/>.</summary>
    public static long PeriodOf(DateTime now, TimeSpan every) => (now - DateTime.UnixEpoch).Ticks / Math.Max(every.Ticks, TimeSpan.TicksPerSecond);

    /// <summary>The current period of <paramref name="name"/> when this node won it and should run it; null when another node has it.</summary>
    public async Task<long?> ClaimAsync(string name, TimeSpan every, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var period = PeriodOf(now, every);
        await using var db = contexts.Create();
        if (await db.ScanRuns.AnyAsync(r => r.Name == name && r.Period == period, ct)) return null;
        db.ScanRuns.Add(new ScanRun(name, period, Node, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return null; // another node inserted the same period between the check and the insert
        }
        var old = now.AddDays(-KeepDays);
        await db.ScanRuns.Where(r => r.Name == name && r.StartedAt < old).ExecuteDeleteAsync(ct);
        return period;
    }
}
