namespace SalesCrm.Domain.Teams;

/// <summary>
/// A seller's load against the capacity on their profile. The distribution, the team's load cards on /leads, the weekly
/// pack and the diagnostics all count it here, so "over capacity" is the same person everywhere.
/// </summary>
public static class Workload
{
    /// <summary>The open deals a seller owns and the open leads (new or in work) assigned to them.</summary>
    public static int Load(int openDeals, int openLeads) => openDeals + openLeads;

    /// <summary>More load than capacity (a seller exactly at capacity is full, not over).</summary>
    public static bool IsOverCapacity(int load, int capacity) => capacity > 0 && load > capacity;

    /// <summary>Room for one more piece of work: the distribution gives new leads only to sellers with room.</summary>
    public static bool HasRoom(int load, int capacity) => load < capacity;

    /// <summary>Load ÷ capacity (0 without a capacity).</summary>
    public static double Share(int load, int capacity) => capacity <= 0 ? 0 : (double)load / capacity;
}
