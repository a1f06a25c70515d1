using System.Globalization;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Web.Components.Pages.Team;

/// <summary>
/// The figures of the coaching scorecard as the pages show them: title, how the value reads, and which direction is
/// better — one list for the team cards and the manager page, so both say the same thing in the same order.
/// </summary>
public static class ScorecardMetrics
{
    public sealed record Metric(string Key, string Title, Func<ScorecardFigures, double?> Value, Func<double, string> Format, bool HigherIsBetter,
        string Definition, bool Cohort = false);

    public static IReadOnlyList<Metric> All { get; } =
    [
        new("plan", "Выполнение плана", f => f.PlanAttainment, Pct, true, "выиграно за период ÷ план на период"),
        new("proposal", "Конверсия КП → договор", f => f.ProposalToContract, Pct, true, "выиграно ÷ дошло до «КП отправлено» в периоде", Cohort: true),
        new("winrate", "Доля выигранных", f => f.WinRate, Pct, true, "выиграно ÷ закрыто в периоде"),
        new("cycle", "Средний цикл сделки, дн.", f => f.AverageCycleDays, One, false, "дни от создания до выигрыша"),
        new("calls", "Звонков в неделю", f => f.CallsPerWeek, One, true, "состоявшиеся звонки ÷ недели периода"),
        new("meetings", "Встреч в неделю", f => f.MeetingsPerWeek, One, true, "встречи ÷ недели периода"),
        new("response", "Реакция на лид, мин (медиана)", f => f.MedianResponseMinutes, One, false, "первый контакт − создание лида, рабочее время"),
        new("overdue", "Просроченные задачи", f => f.OverdueTasks, Whole, false, "задачи со сроком в периоде, не выполненные в срок"),
    ];

    /// <summary>
    /// Compares <paramref name="value"/> with <paramref name="baseline"/>: +1 better, −1 worse, 0 within 5 % (or either
    /// missing).
    /// </summary>
    public static int Compare(Metric metric, ScorecardFigures value, ScorecardFigures baseline)
    {
        if (metric.Value(value) is not { } v || metric.Value(baseline) is not { } b) return 0;
        var tolerance = Math.Max(Math.Abs(b) * 0.05, metric.Format == Pct ? 0.01 : 0.05);
        if (Math.Abs(v - b) <= tolerance) return 0;
        return (v > b) == metric.HigherIsBetter ? 1 : -1;
    }

    /// <summary>
    /// A cohort figure of a period that has not ended is still maturing (the deals of the cohort are in work): it is shown
    /// but not compared.
    /// </summary>
    public static bool Maturing(Metric metric, ReportingPeriod period, DateTime now) => metric.Cohort && period.ToUtc > now;

    public static string Show(Metric metric, ScorecardFigures figures) => metric.Value(figures) is { } v ? metric.Format(v) : "—";

    public static string Pct(double share) => (share * 100).ToString("0", CultureInfo.CurrentCulture) + "\u00A0%";

    private static string One(double value) => value.ToString("0.#", CultureInfo.CurrentCulture);

    private static string Whole(double value) => value.ToString("0", CultureInfo.CurrentCulture);

    public static string Experience(ExperienceLevel level) => level switch
    {
        ExperienceLevel.Junior => "Младший",
        ExperienceLevel.Senior => "Ведущий",
        _ => "Менеджер",
    };

    /// <summary>"month" or "quarter" and a date in it → the period (this month by default).</summary>
    public static ReportingPeriod Period(string? kind, string? date, DateTime utcNow, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone));
        var day = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : today;
        return kind == "quarter"
            ? ReportingPeriod.Quarter(day.Year, (day.Month - 1) / 3 + 1, zone)
            : ReportingPeriod.Month(day.Year, day.Month, zone);
    }
}
