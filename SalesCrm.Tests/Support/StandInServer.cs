using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace SalesCrm.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that stands in for a system outside the app — a PBX's API, a risk provider,
/// a company's website. The test maps what the system answers, then starts it; <c>Urls.First()</c> is its address.
/// </summary>
public static class StandInServer
{
    public static WebApplication New()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder.Build();
    }
}
