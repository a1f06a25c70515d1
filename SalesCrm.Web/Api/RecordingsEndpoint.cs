using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Integrations;
using SalesCrm.Web.Resources;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>GET /recordings/{id}</c> and <c>GET /attachments/{id}</c>. A PBX's recording of a call, played in the timeline and on the coaching pages. The file is
/// fetched from the PBX when played, for a signed-in user who may see the call (decision 0018); a PBX that does not give it
/// is a 502 with what it said.
/// </summary>
public static class RecordingsEndpoint
{
    public static IEndpointRouteBuilder MapRecordings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/recordings/{id:int}", PlayAsync).RequireAuthorization();
        app.MapGet("/attachments/{id:int}", AttachmentAsync).RequireAuthorization();
        return app;
    }

    /// <summary><c>GET /attachments/{id}</c>: a file that came with a client's letter, for a user who may see the letter.</summary>
    private static async Task<IResult> AttachmentAsync(int id, Conversations conversations, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        try
        {
            var file = await conversations.AttachmentAsync(id, ct);
            return Results.File(file.Content, file.ContentType, file.FileName);
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

    private static async Task<IResult> PlayAsync(int id, PbxRecordingService recordings, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        try
        {
            return Results.Stream(await recordings.OpenAsync(id, ct), "audio/mpeg");
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status404NotFound);
        }
        catch (PbxUnavailableException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
