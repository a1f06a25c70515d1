using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(SalesCrm.Tests.Support.RedisServer))]

namespace SalesCrm.Tests.Support;

/// <summary>A real redis-server on 127.0.0.1 for this test run (no persistence), started on first use.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;

    public async Task<string> ConnectionStringAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is null) await StartAsync();
            return $"127.0.0.1:{Port},abortConnect=false";
        }
        finally
        {
            _gate.Release();
        }
    }

    public int Port { get; private set; }

    /// <summary>Stops the server (a Redis outage); <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public Task RestartAsync() => StartAsync(Port);

    private async Task StartAsync(int port = 0)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("redis-server is not installed. Run ./test.sh (it installs it), or: sudo apt-get install -y redis-server");
        Port = port == 0 ? FreePort() : port;
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--protected-mode", "no" })
            info.ArgumentList.Add(arg);
        _process = Process.Start(RealClock.For(info))!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Readiness, not speed: poll until the server accepts a connection (up to 200 tries), fail fast if it exited.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException("redis-server exited at start");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("redis-server did not start");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
