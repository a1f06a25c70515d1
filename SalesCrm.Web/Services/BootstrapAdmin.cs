using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Web.Services;

/// <summary>
/// The first administrator of an installation: from <c>Bootstrap:AdminEmail</c> and <c>Bootstrap:AdminPassword</c> on a
/// start with no users, or from the one-time command <c>dotnet SalesCrm.Web.dll create-admin --email …</c>, which prints a
/// one-time password the administrator replaces at the first sign-in.
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
        await CreateAsync(scope.ServiceProvider, email.Trim(), "Администратор", password, mustChange: false);
    }

    /// <summary>
    /// <c>create-admin --email E [--name "Full Name"]</c>: creates an administrator with a one-time password and prints it.
    /// Returns the process exit code.
    /// </summary>
    public static async Task<int> CommandAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var email = Option("--email")?.Trim();
        if (string.IsNullOrEmpty(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            await output.WriteLineAsync("Использование: dotnet SalesCrm.Web.dll create-admin --email admin@company.ru [--name \"Фамилия Имя\"]");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            await output.WriteLineAsync($"Пользователь {email} уже есть. Сбросить ему пароль может администратор в «Администрирование → Пользователи».");
            return 1;
        }
        var password = OneTimePassword();
        await CreateAsync(scope.ServiceProvider, email, Option("--name") ?? "Администратор", password, mustChange: true);
        await output.WriteLineAsync($"Администратор {email} создан. Одноразовый пароль: {password}");
        await output.WriteLineAsync("При первом входе система попросит задать свой пароль.");
        return 0;
    }

    /// <summary>A password nobody chose (the administration's own generator).</summary>
    public static string OneTimePassword() => SalesCrm.Data.Admin.UserAdminService.OneTimePassword();

    private static async Task CreateAsync(IServiceProvider scoped, string email, string name, string password, bool mustChange)
    {
        var users = scoped.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, FullName = name, MustChangePassword = mustChange };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException("Администратор не создан: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, nameof(StaffRole.Admin));
        var db = scoped.GetRequiredService<CrmDbContext>();
        db.Managers.Add(new Manager(user.Id, name, email, StaffRole.Admin, null, scoped.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
    }
}
