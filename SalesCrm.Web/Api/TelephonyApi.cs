using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>POST /api/telephony/events</c>: the telephony system reports calls. The body is signed with HMAC-SHA256 under the
/// shared secret (generated in the administration; or <c>Telephony:Secret</c>) in <c>X-Signature</c> (hex, optionally "sha256=…"); a missing or wrong
/// signature is 401 and nothing is read. Answers 202 for an accepted event, also for a repeated one.
/// </summary>
public static class TelephonyApi
{
    public const string Path = "/api/telephony/events";
    public const string SignatureHeader = "X-Signature";
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapTelephonyApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(Path, PostAsync).DisableAntiforgery().Track(Connector.Telephony));
        return app;
    }

    /// <summary>The signature a sender must put in <see cref="SignatureHeader"/> for this body.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static async Task<IResult> PostAsync(HttpContext http, IConfiguration config, IntegrationSecretVerifier verifier, TelephonyService telephony,
        CancellationToken ct)
    {
        // The secret generated in the settings (and, during a rotation, the previous one); Telephony:Secret, when set, is
        // accepted too, for installations that keep their secrets in the environment.
        var secrets = (await verifier.ValidAsync(IntegrationKind.Telephony, ct)).ToList();
        if (config["Telephony:Secret"] is { Length: > 0 } configured) secrets.Add(configured);
        if (secrets.Count == 0)
            return ApiRequests.Problem("signature",
                "Приём событий телефонии не настроен: администратор создаёт секрет в «Администрирование → Интеграции».", StatusCodes.Status401Unauthorized);
        var read = await ApiRequests.ReadJsonAsync(http.Request, MaxBodyBytes, "Событие слишком большое: не больше 64 КБ.", ct);
        if (read.Bytes is null) return read.Refusal();
        var body = read.Bytes;

        var given = http.Request.Headers[SignatureHeader].ToString().Trim();
        if (given.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) given = given[7..];
        var givenBytes = Encoding.ASCII.GetBytes(given.ToLowerInvariant());
        if (!secrets.Any(secret => Encoding.ASCII.GetBytes(Sign(secret, body)) is var expected
                                   && givenBytes.Length == expected.Length && CryptographicOperations.FixedTimeEquals(givenBytes, expected)))
            return ApiRequests.Problem("signature", "Подпись события неверна.", StatusCodes.Status401Unauthorized);

        TelephonyEvent? e;
        try
        {
            e = JsonSerializer.Deserialize<TelephonyEvent>(body, Json);
        }
        catch (JsonException ex)
        {
            return ApiRequests.JsonError(ex, typeof(TelephonyEvent), "Тело события — не корректный JSON.");
        }
        if (e is null) return ApiRequests.Problem("body", "Пустое событие.", StatusCodes.Status400BadRequest);
        try
        {
            var result = await telephony.HandleAsync(e, ct);
            return Results.Json(new
            {
                status = result.Outcome.ToString().ToLowerInvariant(), activityId = result.ActivityId, clientId = result.ClientId, dealId = result.DealId,
                leadId = result.LeadId, newLead = result.NewLead,
            }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (LeadValidationException ex)
        {
            return Results.Json(new { errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (DomainException ex)
        {
            return ApiRequests.Problem(ex.Field ?? "body", ex.Message, StatusCodes.Status400BadRequest);
        }
    }

}
