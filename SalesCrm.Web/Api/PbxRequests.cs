using Microsoft.AspNetCore.Http.Features;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;

namespace SalesCrm.Web.Api;

/// <summary>
/// What the PBX endpoints (Mango Office, Zadarma) share — the form body also with the website forms: a form body of 64 KB at most, whatever its framing; refusals logged
/// under the PBX's name; and an event that cannot be recorded answered 400 with what is wrong, nothing written.
/// </summary>
public static partial class PbxRequests
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>The request's form (null when it has none), or the refusal of a body over 64 KB.</summary>
    public static async Task<(IFormCollection? Form, IResult? Refusal)> ReadFormAsync(HttpContext http, CancellationToken ct,
        string tooLarge = "Событие слишком большое: не больше 64 КБ.")
    {
        if (http.Request.ContentLength > MaxBodyBytes) return (null, TooLarge(tooLarge));
        // A chunked body has no length to check first: the server stops reading it at the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        if (!http.Request.HasFormContentType) return (null, null);
        try
        {
            return (await http.Request.ReadFormAsync(ct), null);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
        {
            return (null, TooLarge(tooLarge));
        }
    }

    private static IResult TooLarge(string message) => ApiRequests.Problem("body", message, StatusCodes.Status413PayloadTooLarge);

    public static IResult Refused(ILogger log, string pbx, string? what, string reason, string field, string message)
    {
        LogRefused(log, pbx, what, reason);
        return ApiRequests.Problem(field, message, StatusCodes.Status401Unauthorized);
    }

    /// <summary>
    /// Records an event: a malformed one (<paramref name="malformed"/> is the parser's exception type) and one the call rules
    /// refuse are 400 with the reason, logged; the rules write nothing they refuse.
    /// </summary>
    public static async Task<IResult> RecordAsync<TMalformed>(ILogger log, string pbx, string? what, Func<Task<IResult>> record, string malformedField,
        Func<TMalformed, string> malformed) where TMalformed : Exception
    {
        try
        {
            return await record();
        }
        catch (TMalformed ex)
        {
            LogNotRecorded(log, pbx, what, ex.Message);
            return ApiRequests.Problem(malformedField, malformed(ex), StatusCodes.Status400BadRequest);
        }
        catch (LeadValidationException ex)
        {
            LogNotRecorded(log, pbx, what, string.Join("; ", ex.Errors.SelectMany(e => e.Value)));
            return Results.Json(new { errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (DomainException ex)
        {
            LogNotRecorded(log, pbx, what, ex.Message);
            return ApiRequests.Problem(ex.Field ?? malformedField, ex.Message, StatusCodes.Status400BadRequest);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pbx} event {Event} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string pbx, string? @event, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pbx} event {Event} not recorded: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string pbx, string? @event, string reason);
}
