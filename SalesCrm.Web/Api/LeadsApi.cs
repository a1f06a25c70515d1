using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SalesCrm.Data.Integrations;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Leads;

using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>The <c>Api</c> section of appsettings.json.</summary>
public sealed class ApiOptions
{
    /// <summary>Requests per second one API key may send (token bucket refill).</summary>
    public int LeadsPerSecond { get; set; } = 50;

    /// <summary>How many requests one key may send at once above the steady rate.</summary>
    public int LeadsBurst { get; set; } = 500;

    /// <summary>Refused requests (no key, a wrong key, a bad signature) one address may send a minute (RefusedCallers).</summary>
    public int RefusedPerMinute { get; set; } = 30;
}

/// <summary>
/// <c>POST /api/leads</c>: the inbound door for website forms, e-mail parsers, messengers, campaigns and partners
/// (docs/features.md). The key in <c>X-Api-Key</c>; an optional <c>Idempotency-Key</c> makes a retry safe; a duplicate
/// of a known lead or client is returned, not created again. Answers in Russian with the API's field names.
/// </summary>
public static class LeadsApi
{
    public const string Path = "/api/leads";
    public const string RateLimitPolicy = "api-leads";
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static IServiceCollection AddLeadsApi(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Api").Get<ApiOptions>() ?? new ApiOptions();
        services.AddSingleton(options);
        services.AddSingleton<RefusedCallers>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var message = context.HttpContext.Request.Path.StartsWithSegments("/export")
                    ? "Слишком много выгрузок подряд. Повторите через минуту."
                    : "Слишком много запросов с этим ключом. Повторите позже.";
                await context.HttpContext.Response.WriteAsJsonAsync(ApiRequests.ErrorBody("request", message), ct);
            };
            // One bucket per valid key (per address until the key is known valid): one noisy integration cannot starve the
            // others, and made-up keys cannot open buckets of their own.
            limiter.AddPolicy(RateLimitPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.RequestServices.GetRequiredService<ApiKeyVerifier>().KnownValid(http.Request.Headers["X-Api-Key"].ToString()) is { } valid
                    ? "key:" + valid : "ip:" + http.Connection.RemoteIpAddress,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.LeadsBurst),
                    TokensPerPeriod = Math.Max(1, options.LeadsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLeadsApi(this IEndpointRouteBuilder app)
    {
        RefusedCallers.Apply(app.MapPost(Path, PostAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery().Track(Connector.LeadsApi),
            http => http.RequestServices.GetRequiredService<ApiKeyVerifier>().KnownValid(http.Request.Headers["X-Api-Key"].ToString()) is not null);
        return app;
    }

    /// <summary>
    /// A database outage is a 503 with Retry-After and a Russian message, never a 500: the lead was not accepted (the
    /// transaction did not commit), so the sender may repeat it — with the same Idempotency-Key it can never be doubled.
    /// </summary>
    private static async Task<IResult> PostAsync(HttpContext http, ApiKeyVerifier keys, LeadIntakeService intake, CancellationToken ct)
    {
        try
        {
            return await AcceptAsync(http, keys, intake, ct);
        }
        catch (Exception ex) when (SalesCrm.Data.Common.DatabaseFault.IsUnavailable(ex) && !ct.IsCancellationRequested)
        {
            http.Response.Headers.RetryAfter = "5";
            return ApiRequests.Problem("database", SalesCrm.Data.Common.DatabaseFault.Message, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, ApiKeyVerifier keys, LeadIntakeService intake, CancellationToken ct)
    {
        var key = await keys.CheckAsync(http.Request.Headers["X-Api-Key"].ToString(), ct);
        switch (key.Status)
        {
            case ApiKeyStatus.Missing:
                return ApiRequests.Problem("apiKey", "Нужен ключ API в заголовке X-Api-Key.", StatusCodes.Status401Unauthorized);
            case ApiKeyStatus.Unknown:
                return ApiRequests.Problem("apiKey", "Неверный ключ API.", StatusCodes.Status401Unauthorized);
            case ApiKeyStatus.Revoked:
                return ApiRequests.Problem("apiKey", "Этот ключ API отозван. Попросите администратора CRM выдать новый.", StatusCodes.Status403Forbidden);
        }

        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 100) return BadRequest("idempotencyKey", "Idempotency-Key — не длиннее 100 символов.");

        if (!http.Request.HasJsonContentType()) return BadRequest("body", "Ожидается JSON (Content-Type: application/json).");
        var read = await ApiRequests.ReadJsonAsync(http.Request, MaxBodyBytes, "Заявка слишком большая: не больше 64 КБ.", ct);
        if (read.Bytes is null) return read.Refusal();
        LeadSubmission? submission;
        try
        {
            submission = JsonSerializer.Deserialize<LeadSubmission>(read.Bytes, Json);
        }
        catch (JsonException ex)
        {
            return ApiRequests.JsonError(ex, typeof(LeadSubmission), "Тело запроса — не корректный JSON-объект.");
        }
        if (submission is null) return BadRequest("body", "Пустая заявка: пришлите JSON-объект с полями лида.");

        try
        {
            var result = await intake.SubmitAsync(submission, new IntakeSource(key.Id, $"API: {key.Name}", null, LeadChannel.Website),
                string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey, ct);
            var body = new LeadAnswer(result.LeadId ?? result.ClientId, result.AssignedTo,
                result.Outcome == IntakeOutcome.ExistingClient ? "client" : "lead", !result.IsNew, result.ClientId);
            return result.IsNew
                ? Results.Json(body, Json, statusCode: StatusCodes.Status201Created)
                : Results.Json(body, Json, statusCode: StatusCodes.Status200OK);
        }
        catch (LeadValidationException ex)
        {
            return Results.Json(new { errors = ex.Errors }, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (IdempotencyConflictException ex)
        {
            return ApiRequests.Problem("idempotencyKey", ex.Message, StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static IResult BadRequest(string field, string message) => ApiRequests.Problem(field, message);


    /// <summary>
    /// The answer: <c>id</c> of the lead (or of the known client, <c>type: "client"</c>), the manager it is assigned to
    /// (null while it waits in the team lead's queue), and whether it was already known.
    /// </summary>
    public sealed record LeadAnswer(int? Id, int? AssignedTo, string Type, bool Duplicate, int? ClientId);
}
