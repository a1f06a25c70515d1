using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SalesCrm.Tests.Support;

/// <summary>
/// A real IMAP server — Dovecot, from the Debian package — on 127.0.0.1 for one test class: its own configuration, mailboxes
/// and port in a temporary folder, plain-text login without TLS, mail kept as Maildir. Run as root, its processes take the
/// package's unprivileged users, as Dovecot requires.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    private readonly string _folder;
    private Process? _process;

    private DovecotServer(string folder) => _folder = folder;

    public int Port { get; private set; }

    /// <summary>Starts a server with one mailbox: <paramref name="user"/> logs in with <paramref name="password"/>.</summary>
    public static async Task<DovecotServer> StartAsync(string user, string password)
    {
        var binary = new[] { "/usr/sbin/dovecot", "/usr/local/sbin/dovecot" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("Dovecot is not installed. Run ./test.sh (it installs it), or: sudo apt-get install -y dovecot-imapd");
        var folder = Path.Combine(Path.GetTempPath(), "salescrm-dovecot-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(folder, "home"));
        var server = new DovecotServer(folder) { Port = FreePort() };
        var root = Environment.UserName == "root";
        var (login, owner) = root ? ("dovenull", "dovecot") : (Environment.UserName, Environment.UserName);
        if (root) await RunAsync("chown", "dovecot:dovecot", Path.Combine(folder, "home"));
        await File.WriteAllTextAsync(Path.Combine(folder, "passwd"), $"{user}:{{PLAIN}}{password}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "dovecot.conf"), $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            instance_name = salescrm-{{server.Port}}
            log_path = {{folder}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{owner}}
            default_internal_group = {{(root ? "dovecot" : GroupOf())}}
            default_login_user = {{login}}
            first_valid_uid = 1
            first_valid_gid = 1
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{folder}}/passwd
            }
            userdb {
              driver = static
              args = uid={{owner}} gid={{(root ? "dovecot" : GroupOf())}} home={{folder}}/home/%u
            }
            mail_location = maildir:~/Maildir
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{server.Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """);
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-F", "-c", Path.Combine(folder, "dovecot.conf") }) info.ArgumentList.Add(arg);
        server._process = Process.Start(RealClock.For(info))!;
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        // Readiness, not speed: poll until the server accepts a connection (up to 200 tries), fail fast if it exited.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (server._process.HasExited)
                throw new InvalidOperationException("dovecot exited at start: " + (File.Exists(Path.Combine(folder, "dovecot.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "dovecot.log")) : ""));
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("dovecot did not start");
    }

    /// <summary>Stops the server (the mail server is down).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    private static string GroupOf()
    {
        var id = Process.Start(new ProcessStartInfo("id", "-gn") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var name = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();
        return name;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process of the server still held a file; the temporary folder is left.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
