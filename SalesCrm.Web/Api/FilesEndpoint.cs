using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Files;
using SalesCrm.Web.Resources;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>GET /files/{id}</c>: a file attached to a deal or a client, for a signed-in user who may see that record now (the
/// service checks it again on every download and audits it). The file is always a download, never shown in the app's origin:
/// <c>Content-Disposition: attachment</c> with the name in RFC 5987 form, no MIME sniffing, and a type the browser could
/// render only for PDF and images; anything else goes as <c>application/octet-stream</c>.
/// </summary>
public static class FilesEndpoint
{
    private static readonly HashSet<string> SafeTypes = ["application/pdf", "image/png", "image/jpeg"];

    public static string Url(int fileId) => $"/files/{fileId}";

    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/files/{id:int}", DownloadAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> DownloadAsync(int id, FileService files, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        try
        {
            var file = await files.OpenAsync(id, ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, no-store";
            // Results.File writes «attachment; filename=…; filename*=UTF-8''…» (RFC 6266 / 5987): Cyrillic names arrive intact.
            return Results.File(file.Content, SafeTypes.Contains(file.ContentType) ? file.ContentType : "application/octet-stream", file.Name,
                enableRangeProcessing: false);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status404NotFound);
        }
    }
}
