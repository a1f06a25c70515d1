using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Common;

public sealed record StageInfo(StageCode Code, string Name, int Order, int Probability, int StuckAfterDays);

public sealed record ProductInfo(int Id, string Code, string Name, bool IsComplex);

public sealed record ManagerInfo(int Id, string FullName, StaffRole Role, int? TeamId, string? TeamName);

public sealed record TeamInfo(int Id, string Name);

/// <summary>Reference lists for filters and forms: stages, products, the managers the user may pick.</summary>
public sealed class LookupService(IDbContextFactory<CrmDbContext> factory, IUserContext users)
{
    public async Task<IReadOnlyList<StageInfo>> StagesAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Stages.AsNoTracking().OrderBy(s => s.Order)
            .Select(s => new StageInfo(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ProductInfo>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Products.AsNoTracking().Where(p => p.IsActive).OrderBy(p => p.Name)
            .Select(p => new ProductInfo(p.Id, p.Code, p.Name, p.IsComplex)).ToListAsync(ct);
    }

    /// <summary>Sellers whose records the current user may see (for owner filters and assignment).</summary>
    public async Task<IReadOnlyList<ManagerInfo>> VisibleManagersAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Managers.AsNoTracking().Where(m => m.Role == StaffRole.Manager || m.Role == StaffRole.TeamLead);
        if (user.VisibleOwnerIds is { } ids) query = query.Where(m => ids.Contains(m.Id));
        return await query.OrderBy(m => m.FullName)
            .Select(m => new ManagerInfo(m.Id, m.FullName, m.Role, m.TeamId, m.Team != null ? m.Team.Name : null))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<TeamInfo>> TeamsAsync(CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamInfo(t.Id, t.Name)).ToListAsync(ct);
    }

    /// <summary>The regions the sellers cover (for suggestions when a lead is typed in).</summary>
    public async Task<IReadOnlyList<string>> RegionsAsync(CancellationToken ct = default)
    {
        await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var lists = await db.Managers.AsNoTracking().Where(m => m.IsActive).Select(m => m.Territories).ToListAsync(ct);
        return lists.SelectMany(t => t).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.CurrentCulture).ToList();
    }
}
