using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Interceptors;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Admin;

public sealed record StageRow(StageCode Code, string Name, int Order, int Probability, int StuckAfterDays, bool Closed, int OpenDeals);

public sealed record ProductRow(int Id, string Code, string Name, bool IsComplex, bool IsActive, int Deals);

/// <summary>
/// The pipeline's stages (name, win probability, "stuck after N days") and the product catalogue. Stages are changed by the
/// head or the administrator, products by the administrator; each change is audited and the open dashboards, boards and
/// lists re-read at once. The stages themselves and their order are fixed: the rules and the figures are defined on them.
/// </summary>
public sealed class PipelineAdminService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IDomainEventPublisher events,
    TimeProvider time)
{
    public async Task<IReadOnlyList<StageRow>> StagesAsync(CancellationToken ct = default)
    {
        await users.RequireRoleAsync(security, u => u.LeadsSales, "Stage", "read", "Этапы настраивают руководители продаж.", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var open = await db.Deals.AsNoTracking().GroupBy(d => d.Stage).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var stages = await db.Stages.AsNoTracking().OrderBy(s => s.Order).ToListAsync(ct);
        return stages.Select(s => new StageRow(s.Code, s.Name, s.Order, s.Probability, s.StuckAfterDays, s.IsClosed, s.IsClosed ? 0 : open.GetValueOrDefault(s.Code)))
            .ToList();
    }

    public async Task ConfigureStageAsync(StageCode code, string name, int probability, int stuckAfterDays, CancellationToken ct = default)
    {
        await users.RequireRoleAsync(security, u => u.ConfiguresDepartment, "Stage", "configure",
            "Этапы меняют начальник отдела и администратор.", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var stage = await db.Stages.SingleOrDefaultAsync(s => s.Code == code, ct) ?? throw new NotFoundException("Этап не найден.");
        stage.Configure(name, probability, stuckAfterDays);
        await db.SaveChangesAsync(ct);
        await events.PublishAsync([new SettingsChanged("stages", time.GetUtcNow().UtcDateTime)], ct);
    }

    public async Task<IReadOnlyList<ProductRow>> ProductsAsync(CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var deals = await db.Deals.AsNoTracking().GroupBy(d => d.ProductId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var products = await db.Products.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return products.Select(p => new ProductRow(p.Id, p.Code, p.Name, p.IsComplex, p.IsActive, deals.GetValueOrDefault(p.Id))).ToList();
    }

    public async Task<int> CreateProductAsync(string code, string name, bool complex, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        var clean = (code ?? "").Trim().ToLowerInvariant();
        if (clean.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(clean, "^[a-z0-9][a-z0-9-]*$"))
            throw new DomainException("Код продукта — латинские буквы, цифры и дефис (например, property).", nameof(Product.Code));
        await using var db = await factory.CreateDbContextAsync(ct);
        var product = new Product(clean, name, complex);
        if (await db.Products.AnyAsync(p => p.Code == product.Code, ct)) throw new DomainException("Продукт с таким кодом уже есть.", nameof(Product.Code));
        db.Products.Add(product);
        await db.SaveChangesAsync(ct);
        await events.PublishAsync([new SettingsChanged("products", time.GetUtcNow().UtcDateTime)], ct);
        return product.Id;
    }

    /// <summary>Name and the "complex" flag; a retired product stays on its deals but is offered for no new one.</summary>
    public async Task UpdateProductAsync(int id, string name, bool complex, bool active, CancellationToken ct = default)
    {
        await RequireAdminAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Продукт не найден.");
        product.Rename(name);
        product.SetComplex(complex);
        if (active) product.Restore();
        else product.Retire();
        await db.SaveChangesAsync(ct);
        await events.PublishAsync([new SettingsChanged("products", time.GetUtcNow().UtcDateTime)], ct);
    }

    private Task<CurrentUser> RequireAdminAsync(CancellationToken ct) => users.RequireRoleAsync(security, u => u.Role == StaffRole.Admin, "Product", "administer",
        "Справочник продуктов ведёт администратор.", ct);
}
