using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Proposals;
using SalesCrm.Domain.Common;
using SalesCrm.Web.Resources;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>GET /p/{token}</c>: the tracked link of a sent proposal — public (the client has no account), its secret is the 144-bit
/// token; each opening is counted by <see cref="ProposalService.OpenLinkAsync"/> and the PDF is shown in the browser. A HEAD
/// request (a mail scanner checking the link) is answered without counting. <c>GET /proposal-templates/{id}</c> and
/// <c>/proposal-templates/builtin</c>: a template's Word file for whoever makes proposals, to edit it.
/// </summary>
public static class ProposalEndpoints
{
    public static string TemplateUrl(int? id) => id is { } i ? $"/proposal-templates/{i}" : "/proposal-templates/builtin";

    public static IEndpointRouteBuilder MapProposals(this IEndpointRouteBuilder app)
    {
        app.MapMethods(ProposalService.LinkPath + "{token}", ["GET", "HEAD"], OpenAsync).AllowAnonymous().RequireRateLimiting(ExportEndpoints.RateLimitPolicy);
        var templates = app.MapGroup("/proposal-templates").RequireAuthorization().RequireRateLimiting(ExportEndpoints.RateLimitPolicy);
        templates.MapGet("/builtin", (ProposalTemplateService service, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct) =>
            TemplateAsync(service, null, http, l, ct));
        templates.MapGet("/{id:int}", (int id, ProposalTemplateService service, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct) =>
            TemplateAsync(service, id, http, l, ct));
        return app;
    }

    private static async Task<IResult> OpenAsync(string token, ProposalService proposals, HttpContext http, CancellationToken ct)
    {
        var count = HttpMethods.IsGet(http.Request.Method);
        var pdf = await proposals.OpenLinkAsync(token, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), count, ct);
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (pdf is null)
            return Results.Text("Ссылка на коммерческое предложение недействительна. Обратитесь к менеджеру, который её прислал.", // not UI text: the client's page, in Russian
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentDisposition = $"inline; filename=\"proposal.pdf\"; filename*=UTF-8''{Uri.EscapeDataString(pdf.FileName)}";
        return Results.Bytes(pdf.Content, "application/pdf");
    }

    private static async Task<IResult> TemplateAsync(ProposalTemplateService service, int? id, HttpContext http, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        try
        {
            var (name, content) = await service.FileAsync(id, ct);
            http.Response.Headers.CacheControl = "private, no-store";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name);
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
