using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesCrm.Data;
using SalesCrm.Data.Access;
using SalesCrm.Web;

namespace SalesCrm.Bench;

/// <summary>
/// A second web node inside the bench process, on the same database and Redis as the app under load, with its jobs off:
/// the scenario's people act through it with the app's own services (moving a deal is a UI action, there is no machine
/// API for it), and what they save reaches the first node's live clients the way it would from any other node — through
/// Redis and the SignalR backplane.
/// </summary>
public sealed class SecondNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecondNode(WebApplication app) => _app = app;

    public static async Task<SecondNode> StartAsync(string connectionString, string redis)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString, ["Database:MigrateOnStart"] = "false", ["Demo:Enabled"] = "true",
            ["Redis:ConnectionString"] = redis, ["BackgroundJobs:Enabled"] = "false", ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddSalesCrm();
        builder.Services.AddScoped<ActingUser>();
        builder.Services.AddScoped<IUserContext>(sp => sp.GetRequiredService<ActingUser>());
        var app = builder.Build();
        await app.StartAsync();
        return new SecondNode(app);
    }

    /// <summary>A scope acting as the manager with <paramref name="email"/>, as a signed-in circuit would.</summary>
    public async Task<IServiceScope> ActAsAsync(string email)
    {
        var scope = _app.Services.CreateScope();
        var contexts = scope.ServiceProvider.GetRequiredService<IProviderContextFactory>();
        await using var db = contexts.Create();
        var me = await db.Managers.AsNoTracking().SingleAsync(m => m.Email == email);
        var team = me.TeamId is { } t ? await db.Managers.Where(m => m.TeamId == t).Select(m => m.Id).ToListAsync() : [];
        scope.ServiceProvider.GetRequiredService<ActingUser>().Cached = new CurrentUser(me.Id, me.FullName, me.Email, me.Role, me.TeamId, team);
        return scope;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ActingUser : IUserContext
    {
        public CurrentUser? Cached { get; set; }

        public ValueTask<CurrentUser?> FindAsync(CancellationToken ct = default) => ValueTask.FromResult(Cached);
    }
}

/// <summary>A throw-away redis-server on 127.0.0.1 for a load scenario (no persistence).</summary>
public sealed class BenchRedis : IAsyncDisposable
{
    private readonly Process _process;

    private BenchRedis(Process process, int port)
    {
        _process = process;
        ConnectionString = $"127.0.0.1:{port},abortConnect=false";
    }

    public string ConnectionString { get; }

    public static async Task<BenchRedis> StartAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("The hub load needs redis-server: sudo apt-get install -y redis-server");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (process.HasExited) throw new InvalidOperationException("redis-server exited at start");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new BenchRedis(process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("redis-server did not accept connections");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
