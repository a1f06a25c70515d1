using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Demo;

/// <summary>
/// What every installation needs before anyone signs in: the Identity roles, the pipeline stages and
/// a starting product catalogue. Idempotent: runs on every start and only adds what is missing.
/// </summary>
public static class ReferenceData
{
    public static readonly (string Code, string Name, bool Complex)[] DefaultProducts =
    [
        ("property", "Имущество юрлиц", false),
        ("liability", "Гражданская ответственность", false),
        ("cargo", "Грузы", false),
        ("vhi", "ДМС", false),
        ("motor-fleet", "Автопарк (КАСКО/ОСАГО)", false),
        ("construction", "Строительно-монтажные риски", true),
        ("d-and-o", "Ответственность директоров (D&O)", true),
        ("accident", "НС сотрудников", false),
    ];

    public static async Task EnsureAsync(CrmDbContext db, CancellationToken ct = default)
    {
        var roles = await db.Roles.Select(r => r.Name ?? "").ToListAsync(ct);
        foreach (var role in Enum.GetNames<StaffRole>().Except(roles))
            db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });

        var stages = await db.Stages.Select(s => s.Code).ToListAsync(ct);
        foreach (var code in StageCodes.All.Except(stages)) db.Stages.Add(new PipelineStage(code));

        if (!await db.Products.AnyAsync(ct))
            foreach (var (code, name, complex) in DefaultProducts) db.Products.Add(new Product(code, name, complex));

        await db.SaveChangesAsync(ct);
    }
}
