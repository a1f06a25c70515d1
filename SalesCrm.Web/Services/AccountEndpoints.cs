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
        app.MapPost("/logout", async (HttpContext http, SignInManager<AppUser> signIn, UserManager<AppUser> users, SessionTerminator sessions,
            Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) =>
        {
            // Only the app bar's form may sign out (whatever the content type a forged post uses).
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest("Нет токена формы: выйдите кнопкой «Выйти».");
            if (await users.GetUserAsync(http.User) is { } user)
                await sessions.EndAllAsync(user, "выход", new SalesCrm.Data.Actor(null, user.Email ?? user.Id));
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).DisableAntiforgery();

        // The language switch stores the choice on the account: a state change, so a form post with the antiforgery token.
        app.MapPost("/culture", async (HttpContext http, [FromForm] string culture, [FromForm] string? redirect,
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

    /// <summary>A path on this site to return to (the rule LocalRedirect applies, so a crafted value is ignored, never a 500).</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2000 && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(char.IsControl);
}
