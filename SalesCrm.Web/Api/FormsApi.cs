using System.Net;
using System.Text;
using System.Text.Json;
using SalesCrm.Data.Common;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Leads;

namespace SalesCrm.Web.Api;

/// <summary>
/// Website forms into leads (docs/integrations.md):
/// <list type="bullet">
/// <item><c>POST /api/forms/tilda</c> — Tilda's form webhook: form-encoded fields named as the site names them, a connection
/// test (<c>test=test</c>) answered 200, a retry of the same sending (<c>tranid</c>) taken once, the company's API key in
/// <c>X-Api-Key</c>, in the body (<c>api_key</c>) or in the address (<c>?key=</c>).</item>
/// <item><c>POST /api/forms/{key}</c> — a form of the administration: the embeddable form, or the site's own form posting
/// here; its fields are read with the form's mapping. A hidden field (<c>website_hp</c>) that only a bot fills, and a limit
/// per address, keep spam out; a bot is answered as a person is and leaves nothing.</item>
/// <item><c>GET /forms/{key}.js</c> — the embeddable form's script.</item>
/// </list>
/// </summary>
public static partial class FormsApi
{
    public const string TildaPath = "/api/forms/tilda";
    public const string FormPrefix = "/api/forms/";
    public const string Honeypot = "website_hp";
    public const string Thanks = "Спасибо! Заявка принята — менеджер свяжется с вами.";
    private const string TooLarge = "Заявка слишком большая: не больше 64 КБ.";

    public static IEndpointRouteBuilder MapFormsApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(TildaPath, TildaAsync).DisableAntiforgery().Track(Domain.Integrations.Connector.Tilda),
            http => http.RequestServices.GetRequiredService<ApiKeyVerifier>().KnownValid(http.Request.Headers["X-Api-Key"].ToString()) is not null);
        app.MapPost(FormPrefix + "{key}", SubmitAsync).DisableAntiforgery().Track(Domain.Integrations.Connector.WebForms);
        app.MapMethods(FormPrefix + "{key}", ["OPTIONS"], (HttpContext http) =>
        {
            AllowAnySite(http);
            http.Response.Headers.AccessControlAllowMethods = "POST";
            http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
            return Results.NoContent();
        });
        app.MapGet("/forms/{key}.js", ScriptAsync);
        return app;
    }

    /// <summary>The fields of a form-encoded or JSON body (a JSON object's strings, numbers and booleans), or a refusal.</summary>
    private static async Task<(List<KeyValuePair<string, string>>? Fields, IResult? Refusal)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.HasJsonContentType())
        {
            var read = await ApiRequests.ReadJsonAsync(http.Request, 64 * 1024, TooLarge, ct);
            if (read.Bytes is null) return (null, read.Refusal());
            try
            {
                using var json = JsonDocument.Parse(read.Bytes);
                if (json.RootElement.ValueKind != JsonValueKind.Object) return (null, ApiRequests.Problem("body", "Ожидается JSON-объект с полями формы."));
                return ([.. json.RootElement.EnumerateObject()
                    .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))], null);
            }
            catch (JsonException)
            {
                return (null, ApiRequests.Problem("body", "Тело запроса — некорректный JSON."));
            }
        }
        var (form, refusal) = await PbxRequests.ReadFormAsync(http, ct, TooLarge);
        if (refusal is not null) return (null, refusal);
        return form is null
            ? (null, ApiRequests.Problem("body", "Ожидаются поля формы (application/x-www-form-urlencoded или multipart/form-data)."))
            : ([.. form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString()))], null);
    }

    private static async Task<IResult> TildaAsync(HttpContext http, ApiKeyVerifier keys, WebFormService forms, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(FormsApi));
        var (fields, refusal) = await ReadAsync(http, ct);
        if (refusal is not null) return refusal;
        string? Field(string name) => fields!.FirstOrDefault(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v : null;
        // Tilda checks the address when the webhook is connected.
        if (Field("test") == "test" && fields!.Count <= 3) return Results.Text("ok");

        var given = http.Request.Headers["X-Api-Key"].ToString() is { Length: > 0 } header ? header
            : Field("api_key") ?? Field("X-Api-Key") ?? http.Request.Query["key"].ToString();
        var key = await keys.CheckAsync(given, ct);
        if (key.Status != ApiKeyStatus.Valid)
        {
            LogRefused(log, "Tilda", key.Status.ToString());
            return key.Status == ApiKeyStatus.Revoked
                ? ApiRequests.Problem("apiKey", "Этот ключ API отозван. Попросите администратора CRM выдать новый.", StatusCodes.Status403Forbidden)
                : ApiRequests.Problem("apiKey", "Нужен ключ API CRM: в заголовке X-Api-Key, в поле api_key или в адресе (?key=).", StatusCodes.Status401Unauthorized);
        }
        // A form of the administration may lend its field mapping (?form=<its key>).
        var mapped = await forms.FindAsync(http.Request.Query["form"].ToString(), ct);
        var all = fields!.Concat(FormFields.TildaUtm(Field("COOKIES")));
        var formName = "Tilda: " + (Field("formname") ?? Field("formid") ?? "форма"); // not UI text: a source tag's value
        var lead = FormFields.Read(all, mapped?.Mapping, formName, Field("referer") ?? Field("page"));
        return await AnswerAsync(log, "Tilda", async () =>
        {
            var answer = await forms.SubmitAsync(lead, new IntakeSource(key.Id, $"Tilda: {key.Name}", null, LeadChannel.Website),
                Field("tranid") is { Length: <= 90 } tranid ? "tilda:" + tranid : null, ct);
            return answer.Accepted ? Results.Text("ok") : Results.Json(new { errors = answer.Errors }, statusCode: StatusCodes.Status400BadRequest);
        });
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, string key, WebFormService forms, FormSpamGuard spam, ILoggerFactory logs,
        CancellationToken ct)
    {
        AllowAnySite(http);
        var log = logs.CreateLogger(typeof(FormsApi));
        var wantsJson = http.Request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase) || http.Request.HasJsonContentType();
        var form = await forms.FindAsync(key, ct);
        if (form is null) return Page(wantsJson, StatusCodes.Status404NotFound, "Форма не найдена или отключена: заявка не отправлена.");
        var (fields, refusal) = await ReadAsync(http, ct);
        if (refusal is not null) return refusal;
        string? Field(string name) => fields!.FirstOrDefault(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v : null;

        if (Field(Honeypot) is not null)
        {
            // Only a bot fills the hidden field: it is answered as a person would be, and nothing is kept.
            LogSpam(log, form.Name, "honeypot");
            return Page(wantsJson, StatusCodes.Status200OK, Thanks);
        }
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!spam.Take(form.PublicKey, address))
        {
            LogSpam(log, form.Name, "limit");
            http.Response.Headers.RetryAfter = "60";
            return Page(wantsJson, StatusCodes.Status429TooManyRequests, "Слишком много заявок с вашего адреса. Повторите через несколько минут.");
        }
        var page = Field("page") ?? (http.Request.Headers.Referer.ToString() is { Length: > 0 } referer ? referer : null);
        return await AnswerAsync(log, form.Name, async () =>
        {
            var answer = await forms.SubmitAsync(form, fields!, page,
                Field("submission_id") is { Length: > 0 and <= 60 } id ? $"form:{form.PublicKey}:{id}" : null, $"Форма сайта: {form.Name}", ct: ct);
            if (answer.Accepted) return Page(wantsJson, StatusCodes.Status200OK, Thanks);
            var message = string.Join(" ", answer.Errors!.SelectMany(e => e.Value));
            return wantsJson
                ? Results.Json(new { ok = false, message, errors = answer.Errors }, statusCode: StatusCodes.Status400BadRequest)
                : Page(false, StatusCodes.Status400BadRequest, message);
        });
    }

    /// <summary>A database outage is 503 with Retry-After (the sender may repeat; a retry of one sending is taken once).</summary>
    private static async Task<IResult> AnswerAsync(ILogger log, string source, Func<Task<IResult>> submit)
    {
        try
        {
            return await submit();
        }
        catch (IdempotencyConflictException ex)
        {
            LogRefused(log, source, "idempotency");
            return ApiRequests.Problem("tranid", ex.Message, StatusCodes.Status409Conflict);
        }
        catch (Exception ex) when (DatabaseFault.IsUnavailable(ex))
        {
            return Results.Json(ApiRequests.ErrorBody("database", DatabaseFault.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The answer to a visitor: JSON for the embeddable form's script, a small page for a site's plain HTML form.</summary>
    private static IResult Page(bool json, int status, string message)
    {
        if (json) return Results.Json(new { ok = status == StatusCodes.Status200OK, message }, statusCode: status);
        var html = $"""
            <!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{WebUtility.HtmlEncode(message)}</title></head>
            <body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;font-size:1.1rem">
            <p>{WebUtility.HtmlEncode(message)}</p><p><a href="javascript:history.back()">Вернуться на сайт</a></p></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static void AllowAnySite(HttpContext http) => http.Response.Headers.AccessControlAllowOrigin = "*";

    /// <summary>The embeddable form: a script that draws the form where it is placed and sends it here.</summary>
    private static async Task<IResult> ScriptAsync(HttpContext http, string key, WebFormService forms, CancellationToken ct)
    {
        var form = await forms.FindAsync(key, ct);
        const string missing = "console.error('SalesCrm: форма не найдена или отключена.');"; // not UI text: the site developer's console
        if (form is null) return Results.Content(missing, "text/javascript; charset=utf-8", Encoding.UTF8, 404);
        http.Response.Headers.CacheControl = "public, max-age=300";
        var endpoint = $"{http.Request.Scheme}://{http.Request.Host}{FormPrefix}{Uri.EscapeDataString(form.PublicKey)}";
        return Results.Content(EmbeddedForm.Script(endpoint, form.Name), "text/javascript; charset=utf-8", Encoding.UTF8);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Form lead from {Source} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Form {Form}: a sending was taken for spam ({Reason}) and dropped")]
    private static partial void LogSpam(ILogger logger, string form, string reason);
}
