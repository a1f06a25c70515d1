using SalesCrm.Data.Common;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>/api/telephony/zadarma</c>: Zadarma's PBX checks the address when it is set (<c>GET ?zd_echo=…</c>, answered with the
/// value) and then posts its call notifications there (docs/integrations.md). Each notification's <c>Signature</c> is checked
/// against the API secret entered in the administration: an unsigned or wrongly signed one is 401 and nothing is read. The end
/// of a call (<c>NOTIFY_END</c>, <c>NOTIFY_OUT_END</c>) records it, once per <c>pbx_call_id</c>; the other notifications are
/// acknowledged, and a recording ready (<c>NOTIFY_RECORD</c>) is linked to its call (played through the PBX's API).
/// </summary>
public static partial class ZadarmaApi
{
    public const string Path = "/api/telephony/zadarma";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapZadarmaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http) =>
            http.Request.Query["zd_echo"].ToString() is { Length: > 0 and <= 200 } echo
                ? Results.Text(echo, "text/plain")
                : ApiRequests.Problem("zd_echo", "Нужен параметр zd_echo: так Zadarma проверяет адрес.", StatusCodes.Status400BadRequest));
        RefusedCallers.Apply(app.MapPost(Path, PostAsync).DisableAntiforgery());
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, IntegrationSecretVerifier verifier, TelephonyService telephony, CrmOptions options,
        ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(ZadarmaApi));
        if (http.Request.ContentLength > MaxBodyBytes)
            return ApiRequests.Problem("body", "Событие слишком большое: не больше 64 КБ.", StatusCodes.Status413PayloadTooLarge);
        if (!http.Request.HasFormContentType)
            return ApiRequests.Problem("body", "Ожидается уведомление Zadarma (поля формы).", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var kind = fields.GetValueOrDefault("event");

        var (_, secrets) = await verifier.CredentialsAsync(IntegrationKind.Zadarma, ct);
        if (secrets.Count == 0)
        {
            LogRefused(log, kind, "not configured");
            return ApiRequests.Problem("Signature",
                "Приём звонков Zadarma не настроен: администратор вводит ключ и секрет API в «Администрирование → Интеграции».", StatusCodes.Status401Unauthorized);
        }
        if (!Zadarma.IsSigned(fields, http.Request.Headers["Signature"].ToString(), secrets))
        {
            LogRefused(log, kind, "wrong or missing signature");
            return ApiRequests.Problem("Signature", "Подпись события неверна.", StatusCodes.Status401Unauthorized);
        }
        try
        {
            if (kind == "NOTIFY_RECORD")
            {
                var (callId, recording) = Zadarma.Recorded(fields);
                await telephony.RecordingReadyAsync("zadarma:" + callId, "zadarma:" + recording, ct);
                return Results.Ok();
            }
            if (Zadarma.FromNotification(fields, options.TimeZone) is not { } call) return Results.Ok(); // a call in progress
            var result = await telephony.HandleAsync(call, ct);
            return Results.Ok(new { status = result.Outcome.ToString().ToLowerInvariant(), activityId = result.ActivityId });
        }
        catch (FormatException ex)
        {
            LogBadEvent(log, kind, ex.Message);
            return ApiRequests.Problem("body", ex.Message, StatusCodes.Status400BadRequest);
        }
        catch (LeadValidationException ex)
        {
            LogBadEvent(log, kind, string.Join("; ", ex.Errors.SelectMany(e => e.Value)));
            return Results.Json(new { errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (DomainException ex)
        {
            LogBadEvent(log, kind, ex.Message);
            return ApiRequests.Problem(ex.Field ?? "body", ex.Message, StatusCodes.Status400BadRequest);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zadarma notification {Event} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? @event, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zadarma notification {Event} not recorded: {Reason}")]
    private static partial void LogBadEvent(ILogger logger, string? @event, string reason);
}
