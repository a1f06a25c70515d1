using System.Threading.RateLimiting;

namespace SalesCrm.Web.Api;

/// <summary>
/// Throttles, per network address, callers of the machine endpoints whose requests are refused for want of a valid key
/// or signature (no key, a wrong or revoked key, a bad signature): a key-guessing script or a misconfigured sender gets
/// <see cref="Api.ApiOptions.RefusedPerMinute"/> refusals a minute, then a 429 with Retry-After — answered before the
/// key is even looked up, so it cannot load the database. A caller with a key already known valid is let through from that address too.
/// </summary>
public sealed class RefusedCallers : IDisposable
{
    public const string Message = "Слишком много отклонённых запросов с вашего адреса (нет ключа, неверный ключ или подпись). Повторите через минуту.";

    private readonly PartitionedRateLimiter<string> _limiter;

    public RefusedCallers(ApiOptions options)
    {
        var perMinute = Math.Max(1, options.RefusedPerMinute);
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = Math.Max(1, perMinute / 6),
                ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>
    /// Refuses at once a caller that has used up its refusals, unless <paramref name="trusted"/> vouches for the request
    /// without the database (a key this node has already checked valid); counts the refusals of everyone.
    /// </summary>
    public static IEndpointConventionBuilder Apply(IEndpointConventionBuilder endpoint, Func<HttpContext, bool>? trusted = null) => endpoint.AddEndpointFilter(async (context, next) =>
    {
        var callers = context.HttpContext.RequestServices.GetRequiredService<RefusedCallers>();
        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (callers.Exhausted(address) && trusted?.Invoke(context.HttpContext) != true)
        {
            context.HttpContext.Response.Headers.RetryAfter = "10";
            return ApiRequests.Problem("request", Message, StatusCodes.Status429TooManyRequests);
        }
        var result = await next(context);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden })
            callers.Count(address);
        return result;
    });

    public bool Exhausted(string address) => _limiter.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };

    public void Count(string address)
    {
        using var _ = _limiter.AttemptAcquire(address);
    }

    public void Dispose() => _limiter.Dispose();
}
