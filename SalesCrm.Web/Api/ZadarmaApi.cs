using SalesCrm.Data.Common;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>/api/telephony/zadarma</c>: Zadarma's PBX checks the address when it is set (<c>GET ?zd_echo=…</c>, answered with the
/// value) and then posts its call notifications there (docs/integrations.md). Each notification's <c>Signature</c> is checked
/// against the API secret entered in the administration: an unsigned or wrongly signed one is 401 and nothing is read. The end
/// of a call (<c>NOTIFY_END</c>, <c>NOTIFY_OUT_END</c>) records it, once per <c>pbx_call_id</c>; a recording ready
/// (<c>NOTIFY_RECORD</c>) is linked to its call (played through the PBX's API); a call ringing, answered or ended at an employee's
/// extension goes live to that employee (the screen-pop); the other notifications are acknowledged.
/// </summary>
public static class ZadarmaApi
{
    public const string Path = "/api/telephony/zadarma";
    private const string Name = "Zadarma";

    public static IEndpointRouteBuilder MapZadarmaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http) =>
            http.Request.Query["zd_echo"].ToString() is { Length: > 0 and <= 200 } echo
                ? Results.Text(echo, "text/plain")
                : ApiRequests.Problem("zd_echo", "Нужен параметр zd_echo: так Zadarma проверяет адрес.", StatusCodes.Status400BadRequest));
        RefusedCallers.Apply(app.MapPost(Path, PostAsync).DisableAntiforgery().Track(Connector.Zadarma));
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, IntegrationSecretVerifier verifier, TelephonyService telephony, ScreenPopService screenPop,
        CrmOptions options, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(ZadarmaApi));
        var (form, refusal) = await PbxRequests.ReadFormAsync(http, ct);
        if (refusal is not null) return refusal;
        if (form is null) return ApiRequests.Problem("body", "Ожидается уведомление Zadarma (поля формы).", StatusCodes.Status400BadRequest);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var kind = fields.GetValueOrDefault("event");

        var (_, secrets) = await verifier.CredentialsAsync(IntegrationKind.Zadarma, ct);
        if (secrets.Count == 0)
            return PbxRequests.Refused(log, Name, kind, "not configured", "Signature",
                "Приём звонков Zadarma не настроен: администратор вводит ключ и секрет API в «Администрирование → Интеграции».");
        if (!Zadarma.IsSigned(fields, http.Request.Headers["Signature"].ToString(), secrets))
            return PbxRequests.Refused(log, Name, kind, "wrong or missing signature", "Signature", "Подпись события неверна.");

        return await PbxRequests.RecordAsync<FormatException>(log, Name, kind, async () =>
        {
            if (kind == "NOTIFY_RECORD")
            {
                var (callId, recording) = Zadarma.Recorded(fields);
                await telephony.RecordingReadyAsync("zadarma:" + callId, "zadarma:" + recording, ct);
                return Results.Ok();
            }
            var call = Zadarma.FromNotification(fields, options.TimeZone);
            if (Zadarma.Leg(fields) is { } leg) await screenPop.SignalAsync(leg.Extension, leg.CallId, leg.Number, leg.State, ct);
            if (call is null) return Results.Ok(); // a call in progress
            var result = await telephony.HandleAsync(call, ct);
            return Results.Ok(new { status = result.Outcome.ToString().ToLowerInvariant(), activityId = result.ActivityId });
        }, "body", ex => ex.Message);
    }
}
