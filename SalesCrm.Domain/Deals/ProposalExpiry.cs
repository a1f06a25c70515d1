namespace SalesCrm.Domain.Deals;

/// <summary>
/// When a proposal counts as expiring: it is still valid and fewer than <c>days</c> days remain (valid until today leaves 0,
/// until tomorrow 1), so «КП истекает &lt; 3 дн.» holds 0, 1 and 2 days left, not 3. The attention filters, the board's
/// signal, the deal card and the risk score all ask this.
/// </summary>
public static class ProposalExpiry
{
    /// <summary>Whole calendar days from <paramref name="today"/> to the last valid day; negative once it has lapsed.</summary>
    public static int DaysLeft(DateTime validUntil, DateTime today) => (validUntil.Date - today.Date).Days;

    public static bool IsExpiring(DateTime validUntil, DateTime today, int days) => DaysLeft(validUntil, today) is >= 0 and var left && left < days;

    /// <summary>The last valid days that are expiring, as a range for a query: <c>From &lt;= validUntil &lt; Before</c>.</summary>
    public static (DateTime From, DateTime Before) Window(DateTime today, int days) => (today.Date, today.Date.AddDays(days));
}
