using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using SalesCrm.Data.Identity;
using SalesCrm.Web.Security;

namespace SalesCrm.Web.Services;

/// <summary>Sign-out and the language switch: plain HTTP endpoints, because they set cookies.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // Signing out ends the account's sessions everywhere: a copy of the cookie taken before opens nothing afterwards.
        app.MapPost("/logout", async (HttpContext http, SignInManager<AppUser> signIn, UserManager<AppUser> users, SessionTerminator sessions) =>
        {
            if (await users.GetUserAsync(http.User) is { } user)
                await sessions.EndAllAsync(user, "выход", new SalesCrm.Data.Actor(null, user.Email ?? user.Id));
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        });

        app.MapGet("/culture", async (HttpContext http, [FromQuery] string culture, [FromQuery] string? redirect,
            UserManager<AppUser> users, TimeProvider time) =>
        {
            if (!Hosting.SupportedCultures.Any(c => c.Name == culture)) return Results.BadRequest("Unsupported culture");
            SetCultureCookie(http, culture, time);
            if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user)
            {
                user.PreferredCulture = culture;
                await users.UpdateAsync(user);
            }
            return Results.LocalRedirect(IsLocal(redirect) ? redirect! : "/");
        }).RequireAuthorization();
        return app;
    }

    public static void SetCultureCookie(HttpContext http, string culture, TimeProvider time) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = time.GetUtcNow().AddYears(1), IsEssential = true, HttpOnly = false, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
