using System.Text.Json;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>POST /api/telephony/mango/{event path}</c>: Mango Office's virtual PBX reports calls to the address set in its settings
/// (this prefix), appending the event's path (docs/integrations.md). Each request is checked against the API key and salt
/// entered in the administration: a request naming another key, or signed wrongly, is 401 and nothing is read. The PBX reads
/// only the HTTP status. The call summary records the call (once, by its <c>entry_id</c>); a recording added to the PBX's
/// storage is linked to its call (played through the PBX's API); a leg of a call from outside at an employee's extension goes live
/// to that employee (the screen-pop); recording progress and others are acknowledged;
/// the connection check (a request without <c>json</c>) is answered 200.
/// </summary>
public static class MangoOfficeApi
{
    public const string Prefix = "/api/telephony/mango";
    private const string Name = "Mango Office";

    public static IEndpointRouteBuilder MapMangoOfficeApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(Prefix + "/{**path}", PostAsync).DisableAntiforgery().Track(Connector.MangoOffice));
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, string? path, IntegrationSecretVerifier verifier, TelephonyService telephony,
        ScreenPopService screenPop, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(MangoOfficeApi));
        var (form, refusal) = await PbxRequests.ReadFormAsync(http, ct);
        if (refusal is not null) return refusal;
        var json = form?["json"].ToString();
        if (form is null || string.IsNullOrEmpty(json)) return Results.Ok(); // the connection check of the PBX's settings

        var (account, salts) = await verifier.CredentialsAsync(IntegrationKind.MangoOffice, ct);
        if (account is null || salts.Count == 0)
            return PbxRequests.Refused(log, Name, path, "not configured", "vpbx_api_key",
                "Приём звонков Mango Office не настроен: администратор вводит ключ и соль API в «Администрирование → Интеграции».");
        var key = form["vpbx_api_key"].ToString();
        if (!string.Equals(key, account, StringComparison.Ordinal) || !MangoOffice.Signed(key, json, form["sign"].ToString(), salts))
            return PbxRequests.Refused(log, Name, path, "wrong key or signature", "sign", "Подпись события неверна.");

        var kind = (path ?? "").Trim('/').ToLowerInvariant();
        if (kind is not ("events/summary" or "events/record/added" or "events/call")) return Results.Ok(); // recording progress and other events: acknowledged
        return await PbxRequests.RecordAsync<JsonException>(log, Name, kind, async () =>
        {
            using var document = JsonDocument.Parse(json);
            if (kind == "events/call")
            {
                if (MangoOffice.FromCallEvent(document.RootElement) is { } leg) await screenPop.SignalAsync(leg.Extension, leg.CallId, leg.Number, leg.State, ct);
                return Results.Ok();
            }
            if (kind == "events/record/added")
            {
                var (entry, recording) = MangoOffice.RecordAdded(document.RootElement);
                await telephony.RecordingReadyAsync("mango:" + entry, "mango:" + recording, ct);
                return Results.Ok();
            }
            if (MangoOffice.FromSummary(document.RootElement) is not { } call) return Results.Ok(); // a call between employees
            var result = await telephony.HandleAsync(call, ct);
            return Results.Ok(new { status = result.Outcome.ToString().ToLowerInvariant(), activityId = result.ActivityId });
        }, "json", _ => "Событие — некорректный JSON события звонка.");
    }
}
