using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Admin;

/// <summary>Reads and changes the head's <see cref="DelegationPolicy"/> (what team leads may set for their own team).</summary>
internal static class Delegation
{
    public static async Task<DelegationPolicy> PolicyAsync(CrmDbContext db, CancellationToken ct) =>
        await db.DelegationPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.Id == DelegationPolicy.SingletonId, ct) ?? DelegationPolicy.Default(DateTime.UnixEpoch);

    /// <summary>Changes the policy as the head or the administrator; anyone else is refused and the refusal logged.</summary>
    public static async Task ChangeAsync(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, TimeProvider time,
        Func<DelegationPolicy, (bool Plans, bool Hours)> change, CancellationToken ct)
    {
        var user = await users.RequireRoleAsync(security, u => u.ConfiguresDepartment, "DelegationPolicy", "change",
            "Это решает начальник отдела.", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var policy = await db.DelegationPolicies.SingleOrDefaultAsync(p => p.Id == DelegationPolicy.SingletonId, ct);
        if (policy is null) db.DelegationPolicies.Add(policy = DelegationPolicy.Default(now));
        var (plans, hours) = change(policy);
        policy.Change(plans, hours, user.ManagerId, now);
        await db.SaveChangesAsync(ct);
    }
}
