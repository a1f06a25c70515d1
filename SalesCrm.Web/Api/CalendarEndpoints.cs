using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Tasks;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Tasks;
using SalesCrm.Web.Components.Pages.Calendar;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Api;

/// <summary>
/// Meetings as iCalendar files (RFC 5545) for Outlook and Yandex Calendar: one meeting from its card or the calendar, or the
/// meetings of the calendar's day or week (the same address as the page). Through <see cref="AgendaService"/>, so only what
/// the user may see leaves; each download is audited like an export.
/// </summary>
public static class CalendarEndpoints
{
    public static IEndpointRouteBuilder MapCalendarFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/calendar").RequireAuthorization().RequireRateLimiting(ExportEndpoints.RateLimitPolicy);
        group.MapGet("/meetings.ics", WeekAsync);
        group.MapGet("/meetings/{id:int}.ics", MeetingAsync);
        return app;
    }

    private static Task<IResult> WeekAsync(IStringLocalizer<SharedResource> l, HttpContext http, AgendaService agenda, IUserContext users,
        SecurityLog audit, SmtpOptions smtp, CancellationToken ct) =>
        SendAsync(l, http, users, audit, "calendar", http.Request.QueryString.Value ?? "", async () =>
        {
            var query = CalendarAddress.Read(key => http.Request.Query[key].ToString(), agenda.Today);
            return ("meetings.ics", await agenda.MeetingsFileAsync(query, BaseUrl(http, smtp), ct));
        }, ct);

    private static Task<IResult> MeetingAsync(IStringLocalizer<SharedResource> l, int id, HttpContext http, AgendaService agenda, IUserContext users,
        SecurityLog audit, SmtpOptions smtp, CancellationToken ct) =>
        SendAsync(l, http, users, audit, "meeting", id.ToString(System.Globalization.CultureInfo.InvariantCulture), () => agenda.MeetingFileAsync(id, BaseUrl(http, smtp), ct), ct);

    private static async Task<IResult> SendAsync(IStringLocalizer<SharedResource> l, HttpContext http, IUserContext users, SecurityLog audit, string what,
        string detail, Func<Task<(string Name, string Text)>> file, CancellationToken ct)
    {
        try
        {
            var (name, text) = await file();
            await audit.ExportedAsync((await users.RequireAsync(ct)).Actor, what, detail, 1, ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(System.Text.Encoding.UTF8.GetBytes(text), ICalendarFile.ContentType, name);
        }
        catch (AccessDeniedException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status403Forbidden);
        }
        catch (NotFoundException ex)
        {
            return Results.Problem(l.For(ex), statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>The app's public address for the links in an event: the configured one (behind a proxy), else the request's.</summary>
    private static string BaseUrl(HttpContext http, SmtpOptions smtp) =>
        smtp.BaseUrl is { Length: > 0 } configured ? configured : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
