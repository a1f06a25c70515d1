using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace SalesCrm.Data.Identity;

public static class IdentitySetup
{
    /// <summary>
    /// Sign-in accounts in the CRM's database: the user and role stores, the password rules, Russian messages and the
    /// tokens of set-password links. The web app adds the sign-in and its cookies on top.
    /// </summary>
    public static IdentityBuilder AddSalesCrmIdentity(this IServiceCollection services)
    {
        // Identity's EF stores need a scoped context; only Identity uses it.
        services.AddScoped<CrmDbContext>(sp => sp.GetRequiredService<IProviderContextFactory>().Create());
        return services.AddIdentityCore<AppUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                // No lockout after failed passwords: anyone could lock anyone out. Guessing is slowed instead (SignInGuard);
                // an administrator's deactivation locks the account for good.
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                options.Password.RequiredLength = 8;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CrmDbContext>()
            .AddErrorDescriber<RussianIdentityErrors>()
            .AddDefaultTokenProviders();
    }
}
