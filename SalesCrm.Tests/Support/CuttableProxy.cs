using System.Net;
using System.Net.Sockets;

namespace SalesCrm.Tests.Support;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between the browser and the app whose line can be cut: <see cref="Cut"/> resets every
/// open connection (the circuit's WebSocket among them) and refuses new ones until <see cref="Restore"/>, as a dropped
/// office Wi-Fi or a VPN reconnect would. Playwright's offline mode does not close an open WebSocket, so the drop has to
/// happen on the wire.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Browser, TcpClient App)> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public CuttableProxy(string upstreamBaseUrl)
    {
        _upstream = new Uri(upstreamBaseUrl);
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string BaseUrl { get; }

    /// <summary>Drops every open connection at once (a TCP reset) and refuses new ones.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var (browser, app) in _open)
            {
                Reset(browser);
                Reset(app);
            }
            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient browser;
            try
            {
                browser = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_cut)
            {
                Reset(browser);
                continue;
            }
            _ = PipeAsync(browser);
        }
    }

    private async Task PipeAsync(TcpClient browser)
    {
        var app = new TcpClient();
        try
        {
            await app.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
            lock (_open) _open.Add((browser, app));
            var a = browser.GetStream().CopyToAsync(app.GetStream(), _stop.Token);
            var b = app.GetStream().CopyToAsync(browser.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the line was cut, or one side closed
        }
        finally
        {
            lock (_open) _open.Remove((browser, app));
            browser.Dispose();
            app.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
