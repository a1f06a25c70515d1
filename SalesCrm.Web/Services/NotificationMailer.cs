using System.Net;
using System.Net.Mail;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Notifications;
using SalesCrm.Web.Live;

namespace SalesCrm.Web.Services;

/// <summary>The <c>Smtp</c> section of appsettings.json; without a host, notifications stay in the app.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public bool EnableSsl { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "crm@localhost";
    /// <summary>The app's public address, to turn a notification's link into a full URL in the letter.</summary>
    public string? BaseUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// Sends a notification by e-mail to people who asked for it (and not for its kind quiet). It hears this node's
/// committed notifications through the live relay, so each letter is sent once, by the node that created the
/// notification; the sending happens in the background and a mail-server outage never fails the save.
/// </summary>
public sealed partial class NotificationMailer(SmtpOptions smtp, IProviderContextFactory contexts, ILogger<NotificationMailer> logger)
    : BackgroundService, ILiveRelay
{
    private readonly Channel<int> _queue = Channel.CreateBounded<int>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public Task RelayAsync(IReadOnlyList<(string Topic, LiveEvent Event)> items, CancellationToken cancellationToken)
    {
        foreach (var (_, e) in items)
            if (e.NotificationId is { } id) _queue.Writer.TryWrite(id);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex, id);
            }
        }
    }

    private async Task SendAsync(int notificationId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var n = await db.Notifications.AsNoTracking().Where(x => x.Id == notificationId)
            .Join(db.Managers, x => x.RecipientId, m => m.Id, (x, m) => new { x.Kind, x.Title, x.Body, x.Link, m.Email, m.FullName, m.EmailNotifications, m.QuietKinds, m.IsActive })
            .SingleOrDefaultAsync(ct);
        if (n is null || !n.IsActive || !n.EmailNotifications) return;
        if (NotificationService.ParseKinds(n.QuietKinds).Contains(n.Kind)) return;

        var link = n.Link is null ? null : smtp.BaseUrl is { Length: > 0 } baseUrl ? baseUrl.TrimEnd('/') + n.Link : n.Link;
        using var message = new MailMessage(new MailAddress(smtp.From, "SalesCrm"), new MailAddress(n.Email, n.FullName))
        {
            Subject = n.Title,
            Body = string.Join("\n\n", new[] { n.Body, link is null ? null : "Открыть: " + link }.Where(x => x is not null)), // not UI text: a stored notification's mail
            BodyEncoding = System.Text.Encoding.UTF8,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (!string.IsNullOrEmpty(smtp.UserName)) client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        await client.SendMailAsync(message, ct);
        LogSent(logger, notificationId, n.Email);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail for notification {Id} failed; it stays in the bell")]
    private static partial void LogFailed(ILogger logger, Exception ex, int id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification {Id} e-mailed to {Email}")]
    private static partial void LogSent(ILogger logger, int id, string email);
}
