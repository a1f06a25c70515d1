using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace SalesCrm.Web.Security;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (<c>Proxy:KnownProxies</c>: addresses,
/// <c>Proxy:KnownNetworks</c>: CIDR ranges). Nobody else's: with none configured the headers are ignored, so a client cannot
/// pretend to come over HTTPS or from another address. Behind a TLS-terminating proxy this is what makes the cookies
/// <c>Secure</c>, HSTS sent and redirects <c>https://</c>.
/// </summary>
public static class ProxySettings
{
    public static IServiceCollection AddProxySettings(this IServiceCollection services, IConfiguration config) =>
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in Values(config, "Proxy:KnownProxies"))
                if (IPAddress.TryParse(proxy, out var address)) options.KnownProxies.Add(address);
            foreach (var network in Values(config, "Proxy:KnownNetworks"))
                if (System.Net.IPNetwork.TryParse(network, out var range)) options.KnownIPNetworks.Add(range);
        });

    /// <summary>What in the proxy settings cannot be read (the start is refused with it).</summary>
    public static IEnumerable<string> Problems(IConfiguration config)
    {
        foreach (var proxy in Values(config, "Proxy:KnownProxies").Where(p => !IPAddress.TryParse(p, out _)))
            yield return $"Proxy:KnownProxies — «{proxy}» не IP-адрес (например, 10.0.0.5).";
        foreach (var network in Values(config, "Proxy:KnownNetworks").Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return $"Proxy:KnownNetworks — «{network}» не диапазон CIDR (например, 10.0.0.0/24).";
    }

    /// <summary>A list from the settings file (an array) or from an environment variable (separated by ";" or ",").</summary>
    private static IEnumerable<string> Values(IConfiguration config, string key)
    {
        var section = config.GetSection(key);
        var values = section.Get<string[]>() ?? (section.Value is { } single ? single.Split([';', ','], StringSplitOptions.RemoveEmptyEntries) : []);
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
