using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace SalesCrm.Bench;

/// <summary>
/// The real app as its own process on 127.0.0.1 for a load scenario: Release build, Production settings, on a private copy
/// of a benchmark dataset, waited for until /health answers; killed and its copy deleted on dispose. Scenarios that need
/// the browser (Blazor's own scripts and styles) run the published app, since a build output run as Production serves
/// its static files empty (measured on this kind of machine).
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _database;

    private BenchServer(Process process, string url, string database)
    {
        _process = process;
        Url = url;
        _database = database;
    }

    public string Url { get; }

    public string ConnectionString => $"Data Source={_database}";

    public int ProcessId => _process.Id;

    /// <param name="prepare">Runs on the database copy before the app starts (an API key, capacities…).</param>
    /// <param name="published">Run <c>dotnet publish</c> output (needed when a browser loads the pages).</param>
    public static async Task<BenchServer> StartAsync(int deals, IReadOnlyDictionary<string, string>? settings = null,
        Func<string, Task>? prepare = null, bool published = false)
    {
        var repo = Repo();
        var database = Path.Combine(BenchData.Folder, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        File.Copy(BenchData.FileFor(deals), database);
        if (prepare is not null) await prepare($"Data Source={database}");
        SqliteConnection.ClearAllPools();

        var web = Path.Combine(repo, "SalesCrm.Web");
        var dll = published ? await PublishAsync(repo) : Path.Combine(web, "bin", "Release", "net10.0", "SalesCrm.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: run the bench with -c Release.");
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Database__ConnectionString"] = $"Data Source={database}";
        info.Environment["Demo__Enabled"] = "true";   // a demo dataset outside Development is asked for explicitly (nothing is generated: it has users)
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && line.Contains("fail", StringComparison.Ordinal)) Console.Error.WriteLine("server: " + line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new BenchServer(process, url, database);
        try
        {
            await server.WaitHealthyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Resident memory of the server process, MB.</summary>
    public double RssMegabytes()
    {
        _process.Refresh();
        return _process.WorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>The server's managed heap after a full GC, MB.</summary>
    public double HeapMegabytes() => ServerHeap.AfterFullGc(ProcessId) / 1024.0 / 1024.0;

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 600; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException("The app exited on start.");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The app did not become healthy in 60 s.");
    }

    private static async Task<string> PublishAsync(string repo)
    {
        var output = Path.Combine(BenchData.Folder, "publish");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = repo, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "publish", "SalesCrm.Web", "-c", "Release", "-o", output, "--nologo", "-v", "q" }) info.ArgumentList.Add(arg);
        using var publish = Process.Start(info)!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0) throw new InvalidOperationException("dotnet publish failed: " + log);
        return Path.Combine(output, "SalesCrm.Web.dll");
    }

    public static string Repo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesCrm.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run the bench from inside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _database, _database + "-wal", _database + "-shm" }) if (File.Exists(f)) File.Delete(f);
    }
}
