using System.Globalization;
using System.Net;
using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Common;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Reports;
using SalesCrm.Domain.Teams;
using Microsoft.Extensions.Localization;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services.Excel;

namespace SalesCrm.Web.Services;

/// <summary>The <c>Reports:Schedule</c> section: when the weekly pack is produced (in <c>Crm:TimeZone</c>).</summary>
public sealed class ReportScheduleOptions
{
    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;
    public TimeOnly Time { get; set; } = new(8, 0);
}

/// <summary>
/// Produces the weekly management pack by itself: at the configured moment (default Monday 08:00) each team gets the
/// pack of the week that just ended, kept in the report archive on /reports and, when SMTP is configured, mailed to the
/// team lead and the head as an attachment. The archive's unique (team, week) row makes the run happen once, however
/// many nodes scan and however often the app restarts; a scan after a missed moment catches up.
/// </summary>
public sealed partial class WeeklyPackScheduler(IServiceScopeFactory scopes, IProviderContextFactory contexts, TimeProvider time, CrmOptions options,
    ReportScheduleOptions schedule, SmtpOptions smtp, IStringLocalizer<SharedResource> l, ILogger<WeeklyPackScheduler> logger) : IPeriodicScan
{
    public string Name => "weekly pack";

    public TimeSpan Every => TimeSpan.FromMinutes(5);

    /// <summary>The last scheduled moment at or before now, and the week it reports on (the seven days before it).</summary>
    public (DateTime DueUtc, ReportingPeriod Week) LastDue(DateTime utcNow)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, options.TimeZone);
        var day = DateOnly.FromDateTime(local);
        var back = ((int)day.DayOfWeek - (int)schedule.Day + 7) % 7;
        var moment = day.AddDays(-back).ToDateTime(schedule.Time);
        if (moment > local) moment = moment.AddDays(-7);
        var due = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(moment, DateTimeKind.Unspecified), options.TimeZone);
        return (due, ReportingPeriod.Week(DateOnly.FromDateTime(moment).AddDays(-1), options.TimeZone));
    }

    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        // The pack is written in the department's language (Crm:DefaultCulture), whatever the server's own culture is.
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(options.DefaultCulture);
        var now = time.GetUtcNow().UtcDateTime;
        var (_, week) = LastDue(now);
        var start = week.FirstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        List<int> missing;
        await using (var db = contexts.Create())
        {
            var done = await db.ReportArchive.AsNoTracking().Where(r => r.PeriodStart == start).Select(r => r.TeamId).ToListAsync(ct);
            missing = await db.Teams.AsNoTracking().Where(t => !done.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        }
        var made = 0;
        foreach (var teamId in missing)
        {
            await using var scope = scopes.CreateAsyncScope();
            var pack = await scope.ServiceProvider.GetRequiredService<ReportService>().BuildForTeamAsync(teamId, week, "Расписание", ct);
            var bytes = ReportWorkbook.Build(pack, options.TimeZone, l);
            var name = string.Create(CultureInfo.InvariantCulture, $"planerka-{pack.Scope.Name}-{week.FirstDay:yyyy-MM-dd}.xlsx");
            await using var db = contexts.Create();
            var entry = new ReportArchiveEntry(teamId, start, week.LastDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), name, bytes, now);
            db.ReportArchive.Add(entry);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                continue; // another node archived this team's week a moment ago (and mails it)
            }
            made++;
            LogArchived(logger, pack.Scope.Name, week.FirstDay);
            if (smtp.Enabled && await MailAsync(db, teamId, pack, bytes, name, ct))
            {
                entry.MarkMailed(time.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
            }
        }
        return made;
    }

    private async Task<bool> MailAsync(CrmDbContext db, int teamId, ManagementPack pack, byte[] bytes, string name, CancellationToken ct)
    {
        var to = await db.Managers.AsNoTracking()
            .Where(m => m.IsActive && ((m.Role == StaffRole.TeamLead && m.TeamId == teamId) || m.Role == StaffRole.Head))
            .Select(m => new { m.Email, m.FullName }).ToListAsync(ct);
        if (to.Count == 0) return false;
        try
        {
            using var message = new MailMessage { From = new MailAddress(smtp.From, "SalesCrm"), Subject = $"Отчёт для планёрки: {pack.Scope.Name}, {pack.Period.FirstDay:dd.MM}–{pack.Period.LastDay:dd.MM.yyyy}",
                Body = $"Во вложении — отчёт за неделю {pack.Period.FirstDay:dd.MM}–{pack.Period.LastDay:dd.MM.yyyy}. Выполнение плана месяца: {(pack.Attainment is { } a ? a.ToString("P0", CultureInfo.GetCultureInfo("ru-RU")) : "план не задан")}.",
                BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8 };
            foreach (var m in to) message.To.Add(new MailAddress(m.Email, m.FullName));
            message.Attachments.Add(new Attachment(new MemoryStream(bytes), name, Api.ExportEndpoints.XlsxType));
            using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
            if (!string.IsNullOrEmpty(smtp.UserName)) client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
            await client.SendMailAsync(message, ct);
            return true;
        }
        catch (SmtpException ex)
        {
            LogMailFailed(logger, ex, pack.Scope.Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weekly pack of {Team} for the week of {Week} archived")]
    private static partial void LogArchived(ILogger logger, string team, DateOnly week);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The weekly pack of {Team} could not be mailed; it stays in the archive")]
    private static partial void LogMailFailed(ILogger logger, Exception ex, string team);
}
