using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SalesCrm.Data.Identity;

namespace SalesCrm.Web.Security;

/// <summary>
/// The sign-in carries a claim when the password was set by someone else (a one-time password), so that every request can
/// send the user to choose their own without a database lookup.
/// </summary>
public sealed class AppClaimsFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePassword = "salescrm:must-change-password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword) identity.AddClaim(new Claim(MustChangePassword, "1"));
        return identity;
    }
}

/// <summary>
/// Until a one-time password is replaced, the only things its holder can do are choose a password, switch the language and
/// sign out: pages redirect to <see cref="Path"/>, machine paths (the hub, the API, exports) answer 403.
/// </summary>
public static class PasswordChangeGate
{
    public const string Path = "/account/password";

    private static readonly string[] Open = [Path, "/logout", "/culture", "/login", "/health", "/_framework", "/_content", "/favicon"];

    /// <summary>The page's own styles, scripts, fonts and images.</summary>
    private static readonly HashSet<string> StaticFiles = new([".css", ".js", ".mjs", ".map", ".png", ".svg", ".ico", ".woff", ".woff2", ".ttf"],
        StringComparer.OrdinalIgnoreCase);

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (context.User.HasClaim(c => c.Type == AppClaimsFactory.MustChangePassword)
            && !Open.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
            && !StaticFiles.Contains(System.IO.Path.GetExtension(path.Value ?? "")))
        {
            if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/export"))
            {
                // A bare status for machines: the friendly status page would itself be a page behind this gate.
                if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            }
            else
                context.Response.Redirect(Path);
            return;
        }
        await next();
    });
}
