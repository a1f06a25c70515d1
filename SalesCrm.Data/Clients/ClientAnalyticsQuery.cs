using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Deals;

namespace SalesCrm.Data.Clients;

/// <summary>
/// What a team lead reads about a client before stepping into a deal (the escalation workspace, and the client card):
/// counterparty risk, premiums and losses by year, and the potential — branches and the products neither bought nor in an open deal. The
/// caller has already decided the user may see the client or one of its deals.
/// </summary>
internal static class ClientAnalyticsQuery
{
    public static async Task<ClientAnalytics> LoadAsync(CrmDbContext db, int clientId, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId)
            .Select(c => new { c.Risk, c.RiskIndices, c.RiskSource, c.RiskUpdatedAt, c.Branches }).SingleAsync(ct);
        var years = (await db.PremiumLossYears.AsNoTracking().Where(p => p.ClientId == clientId).OrderByDescending(p => p.Year).ToListAsync(ct))
            .Select(p => new PremiumLossInfo(p.Year, p.PremiumsKopecks, p.LossesKopecks, p.LossRatio)).ToList();
        // Bought: a product of a won deal or of a contract of the client.
        var bought = await db.Deals.AsNoTracking().Where(d => d.ClientId == clientId && d.Stage == StageCode.Won).Select(d => d.ProductId)
            .Union(db.Contracts.AsNoTracking().Where(c => c.ClientId == clientId).Select(c => c.ProductId))
            .ToListAsync(ct);
        // Not bought and not in work either: a product with an open deal of the client is being sold already, not potential.
        var inWork = await db.Deals.AsNoTracking().Where(d => d.ClientId == clientId && d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .Select(d => d.ProductId).Distinct().ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Where(p => p.IsActive).OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        return new ClientAnalytics(client.Risk, client.RiskIndices, client.RiskSource, client.RiskUpdatedAt, years, client.Branches,
            products.Where(p => bought.Contains(p.Id)).Select(p => p.Name).ToList(),
            products.Where(p => !bought.Contains(p.Id) && !inWork.Contains(p.Id)).Select(p => p.Name).ToList());
    }
}
