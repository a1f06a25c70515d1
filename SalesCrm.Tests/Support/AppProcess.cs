using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SalesCrm.Tests.Support;

/// <summary>
/// The real app as a separate process on 127.0.0.1 (Kestrel on a free port, the built SalesCrm.Web.dll), configured by
/// environment variables; waits for /health. Used by the browser tests and the multi-node tests.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts the app with <paramref name="environment"/> (e.g. <c>Database__ConnectionString</c>) and waits until it is healthy.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var app = new AppProcess(Process.Start(StartInfo(environment, "--urls", baseUrl))!, baseUrl);
        app._process.OutputDataReceived += (_, e) => { lock (app._log) app._log.AppendLine(e.Data); };
        app._process.ErrorDataReceived += (_, e) => { lock (app._log) app._log.AppendLine(e.Data); };
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilHealthyAsync();
        return app;
    }

    /// <summary>
    /// Runs the app with <paramref name="arguments"/> until it exits by itself (a refused start, a one-time command); returns
    /// its exit code and everything it printed. A run still going after two minutes is stopped and reported as such.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(environment, arguments))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The app did not exit by itself: " + output);
        }
        process.WaitForExit(); // drains the redirected output
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var web = Path.Combine(Paths.RepoRoot, "SalesCrm.Web");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(web, "bin", Paths.Configuration, "net10.0", "SalesCrm.Web.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Demo__Enabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        // Readiness, not speed: ask /health until it answers (up to 360 tries), fail at once if the process exited.
        for (var attempt = 0; attempt < 360; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException("The app exited: " + Log);
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("The app did not become healthy: " + Log);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
