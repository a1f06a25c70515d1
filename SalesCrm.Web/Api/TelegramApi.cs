using System.Text.Json;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// <c>POST /api/messengers/telegram</c> — the webhook the app registers for the company's bot (decision 0021). Every update
/// must carry the secret token in <c>X-Telegram-Bot-Api-Secret-Token</c> (401 otherwise); an update is answered 200 once it
/// is stored — a failure answers 500, and Telegram delivers the update again later, so nothing is lost.
/// </summary>
public static class TelegramApi
{
    private const string TooLarge = "Обновление слишком большое: не больше 1 МБ.";

    public static IEndpointRouteBuilder MapTelegramApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(TelegramService.WebhookPath, ReceiveAsync).DisableAntiforgery().Track(Connector.Telegram));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, TelegramService telegram, CancellationToken ct)
    {
        if (!await telegram.IsGenuineAsync(http.Request.Headers[TelegramService.SecretHeader].ToString(), ct))
            return ApiRequests.Problem("secret_token", "Неверный секретный токен: обновление принимается только от бота, подключённого в разделе «Интеграции».",
                StatusCodes.Status401Unauthorized);
        var body = await ApiRequests.ReadJsonAsync(http.Request, 1024 * 1024, TooLarge, ct);
        if (body.Bytes is null) return body.Refusal();
        JsonElement update;
        try
        {
            update = JsonDocument.Parse(body.Bytes).RootElement.Clone();
        }
        catch (JsonException)
        {
            return ApiRequests.Problem("body", "Тело запроса — некорректный JSON.");
        }
        try
        {
            var receipt = await telegram.ReceiveAsync(update, ct);
            return Results.Ok(new { ok = true, result = receipt.ToString() });
        }
        catch (DomainException ex)
        {
            return ApiRequests.Problem(ex.Field ?? "update", ex.Message);
        }
    }
}
