using System.Security.Cryptography;

namespace SalesCrm.Web.Security;

/// <summary>
/// Browser-side protection on every response: a Content Security Policy (scripts only from this origin, the one inline
/// import map by a per-request nonce; no framing; no plugins), no MIME sniffing, no referrer leaks, no camera or
/// geolocation. And a refusal of cross-origin WebSocket and hub connections: a page on another site cannot open a
/// Blazor circuit or the live hub with the user's cookie (WebSockets are not covered by CORS).
/// </summary>
public static class SecurityHeaders
{
    public const string NonceKey = "csp-nonce";

    /// <summary>The nonce of this request's inline import map.</summary>
    public static string Nonce(HttpContext context) => context.Items[NonceKey] as string ?? "";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsLiveConnection(context.Request) && !SameOrigin(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy =
                $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
                "font-src 'self' data:; connect-src 'self'; media-src 'self' https: http:; object-src 'none'; base-uri 'self'; " +
                "form-action 'self'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next();
    });

    /// <summary>The Blazor circuit and the live hub: negotiate, long polling and the WebSocket upgrade.</summary>
    private static bool IsLiveConnection(HttpRequest request) =>
        request.Path.StartsWithSegments("/_blazor") || request.Path.StartsWithSegments(Live.LiveHub.Path);

    /// <summary>No Origin (a server-side client, the TV's own page) or the same scheme, host and port as the request.</summary>
    internal static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        var host = request.Host;
        var port = host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == port
            && (uri.Scheme == request.Scheme || (uri.Scheme == "https" && request.Headers["X-Forwarded-Proto"] == "https"));
    }
}
