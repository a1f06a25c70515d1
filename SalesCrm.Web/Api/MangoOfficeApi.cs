using System.Text.Json;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>POST /api/telephony/mango/{event path}</c>: Mango Office's virtual PBX reports calls to the address set in its settings
/// (this prefix), appending the event's path (docs/integrations/mango-office.md). Each request is checked against the API key
/// and salt entered in the administration: a request naming another key, or signed wrongly, is 401 and nothing is read. The
/// PBX reads only the HTTP status. The call summary records the call (once, by its <c>entry_id</c>); the leg events, recording
/// events and others are acknowledged; a recording added to the PBX's storage is linked to its call (played through the PBX's API); the connection check (a request without <c>json</c>) is answered 200.
/// </summary>
public static partial class MangoOfficeApi
{
    public const string Prefix = "/api/telephony/mango";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapMangoOfficeApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(Prefix + "/{**path}", PostAsync).DisableAntiforgery());
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, string? path, IntegrationSecretVerifier verifier, TelephonyService telephony,
        ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(MangoOfficeApi));
        if (http.Request.ContentLength > MaxBodyBytes)
            return ApiRequests.Problem("body", "Событие слишком большое: не больше 64 КБ.", StatusCodes.Status413PayloadTooLarge);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var json = form?["json"].ToString();
        if (string.IsNullOrEmpty(json)) return Results.Ok(); // the connection check of the PBX's settings

        var (account, salts) = await verifier.CredentialsAsync(IntegrationKind.MangoOffice, ct);
        var key = form!["vpbx_api_key"].ToString();
        if (account is null || salts.Count == 0)
        {
            LogRefused(log, path, "not configured");
            return ApiRequests.Problem("vpbx_api_key",
                "Приём звонков Mango Office не настроен: администратор вводит ключ и соль API в «Администрирование → Интеграции».", StatusCodes.Status401Unauthorized);
        }
        if (!string.Equals(key, account, StringComparison.Ordinal) || !MangoOffice.Signed(key, json, form["sign"].ToString(), salts))
        {
            LogRefused(log, path, "wrong key or signature");
            return ApiRequests.Problem("sign", "Подпись события неверна.", StatusCodes.Status401Unauthorized);
        }

        var kind = (path ?? "").Trim('/').ToLowerInvariant();
        if (kind is not ("events/summary" or "events/record/added")) return Results.Ok(); // leg, recording progress and other events: acknowledged
        try
        {
            using var document = JsonDocument.Parse(json);
            if (kind == "events/record/added")
            {
                var (entry, recording) = MangoOffice.RecordAdded(document.RootElement);
                await telephony.RecordingReadyAsync("mango:" + entry, "mango:" + recording, ct);
                return Results.Ok();
            }
            if (MangoOffice.FromSummary(document.RootElement) is not { } call) return Results.Ok(); // a call between employees
            var result = await telephony.HandleAsync(call, ct);
            return Results.Ok(new { status = result.Outcome.ToString().ToLowerInvariant(), activityId = result.ActivityId });
        }
        catch (JsonException ex)
        {
            LogBadEvent(log, ex, path, ex.Message);
            return ApiRequests.Problem("json", "Событие — не корректный JSON сводки звонка.", StatusCodes.Status400BadRequest);
        }
        catch (LeadValidationException ex)
        {
            LogBadEvent(log, null, path, string.Join("; ", ex.Errors.SelectMany(e => e.Value)));
            return Results.Json(new { errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (DomainException ex)
        {
            LogBadEvent(log, null, path, ex.Message);
            return ApiRequests.Problem(ex.Field ?? "json", ex.Message, StatusCodes.Status400BadRequest);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mango Office event {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mango Office event {Path} not recorded: {Reason}")]
    private static partial void LogBadEvent(ILogger logger, Exception? ex, string? path, string reason);
}
