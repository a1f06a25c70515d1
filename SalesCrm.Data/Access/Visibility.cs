using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Access;

/// <summary>Record-level access as WHERE clauses: every list and lookup goes through these.</summary>
public static class Visibility
{
    public static IQueryable<Deal> VisibleTo(this IQueryable<Deal> deals, CurrentUser user, CrmDbContext db)
    {
        if (user.Role == StaffRole.Underwriter)
            return deals.Where(d => db.ApprovalRequests.Any(a => a.DealId == d.Id && a.InvolvesUnderwriting));
        if (user.VisibleOwnerIds is not { } ids) return deals;
        return ids.Count == 1 ? deals.Where(d => d.OwnerId == ids[0]) : deals.Where(d => ids.Contains(d.OwnerId));
    }

    /// <summary>A client is visible to those who see its owner or any of its deals.</summary>
    public static IQueryable<Client> VisibleTo(this IQueryable<Client> clients, CurrentUser user, CrmDbContext db)
    {
        if (user.Role == StaffRole.Underwriter)
            return clients.Where(c => db.Deals.Any(d => d.ClientId == c.Id &&
                db.ApprovalRequests.Any(a => a.DealId == d.Id && a.InvolvesUnderwriting)));
        if (user.VisibleOwnerIds is not { } ids) return clients;
        return clients.Where(c => ids.Contains(c.OwnerId) || db.Deals.Any(d => d.ClientId == c.Id && ids.Contains(d.OwnerId)));
    }
}
