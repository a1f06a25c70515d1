using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Web.Services;

/// <summary>
/// A production installation starts with no users: when <c>Bootstrap:AdminEmail</c> and
/// <c>Bootstrap:AdminPassword</c> are set and nobody exists yet, the first administrator is created.
/// </summary>
public static class BootstrapAdmin
{
    public static async Task EnsureAsync(IServiceProvider services, IConfiguration configuration)
    {
        var email = configuration["Bootstrap:AdminEmail"];
        var password = configuration["Bootstrap:AdminPassword"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password)) return;
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.Users.AnyAsync()) return;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, FullName = "Администратор" };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException("Bootstrap admin: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, nameof(StaffRole.Admin));
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        db.Managers.Add(new Manager(user.Id, user.FullName, email, StaffRole.Admin, null, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
    }
}
