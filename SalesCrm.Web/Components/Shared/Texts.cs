using System.Globalization;
using Microsoft.Extensions.Localization;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Resources;
using SalesCrm.Web.Services;

namespace SalesCrm.Web.Components.Shared;

/// <summary>Display texts for enums, audit fields and values, through the localizer.</summary>
public static class Texts
{
    /// <summary>The greeting for the hour of the department's local time.</summary>
    public static string Greeting(DateTime local) => local.Hour switch
    {
        >= 5 and < 12 => "Доброе утро",
        >= 12 and < 18 => "Добрый день",
        >= 18 and < 23 => "Добрый вечер",
        _ => "Доброй ночи",
    };

    public static string Segment(ClientSegment segment) => segment switch
    {
        ClientSegment.Small => "Малый бизнес",
        ClientSegment.Medium => "Средний бизнес",
        ClientSegment.Large => "Крупный бизнес",
        ClientSegment.Enterprise => "Крупнейший (федеральный)",
        _ => segment.ToString(),
    };

    public static string Risk(RiskLevel risk) => risk switch
    {
        RiskLevel.Low => "Низкий",
        RiskLevel.Medium => "Средний",
        RiskLevel.High => "Высокий",
        _ => "Нет данных",
    };

    public static string Approval(ApprovalState state) => state switch
    {
        ApprovalState.Pending => "На согласовании",
        ApprovalState.Approved => "Согласовано",
        ApprovalState.Rejected => "Отклонено",
        _ => "Не требуется",
    };

    private static readonly Dictionary<string, string> FieldNames = new()
    {
        ["PremiumKopecks"] = "Премия",
        ["ExpectedCloseDate"] = "Ожидаемая дата закрытия",
        ["Probability"] = "Вероятность",
        ["Proposal.ValidUntil"] = "КП действительно до",
        ["Proposal.PremiumKopecks"] = "Премия в КП",
        ["Proposal.SentAt"] = "КП отправлено",
        ["LossReason"] = "Причина проигрыша",
        ["LossComment"] = "Комментарий к проигрышу",
        ["NegotiationStrategy"] = "Стратегия переговоров",
        ["Agreements"] = "Договорённости",
        ["OwnerId"] = "Ответственный",
        ["Stage"] = "Этап",
        ["Name"] = "Наименование",
        ["Inn"] = "ИНН",
        ["Kpp"] = "КПП",
        ["Industry"] = "Отрасль",
        ["Region"] = "Регион",
        ["Segment"] = "Сегмент",
        ["Phone"] = "Телефон",
        ["Email"] = "E-mail",
        ["Address"] = "Адрес",
        ["Branches"] = "Филиалы",
        ["IsKeyClient"] = "Ключевой клиент",
        ["Risk"] = "Риск контрагента",
    };

    public static string Field(IStringLocalizer<SharedResource> l, string field) =>
        FieldNames.TryGetValue(field, out var name) ? l[name] : field;

    /// <summary>An audited raw value (invariant text) in the user's words: money, dates, enum names.</summary>
    public static string Value(IStringLocalizer<SharedResource> l, string field, string? raw, IReadOnlyList<StageInfo>? stages = null)
    {
        if (string.IsNullOrEmpty(raw)) return "—";
        if (field.EndsWith("Kopecks", StringComparison.Ordinal) && long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k))
            return Fmt.Money(k);
        if (DateTime.TryParseExact(raw, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt))
            return dt.TimeOfDay == TimeSpan.Zero ? Fmt.Date(dt) : Fmt.When(dt);
        if (field == "LossReason" && Enum.TryParse<LossReason>(raw, out var reason)) return l[reason.Russian()];
        if (field == "Segment" && Enum.TryParse<ClientSegment>(raw, out var segment)) return l[Segment(segment)];
        if (field == "Risk" && Enum.TryParse<RiskLevel>(raw, out var risk)) return l[Risk(risk)];
        if (field == "Stage" && Enum.TryParse<StageCode>(raw, out var stage)) return StageName(l, stage, stages);
        if (raw == "True") return l["да"];
        if (raw == "False") return l["нет"];
        return raw;
    }

    public static string StageName(IStringLocalizer<SharedResource> l, StageCode code, IReadOnlyList<StageInfo>? stages) =>
        stages?.FirstOrDefault(s => s.Code == code)?.Name is { } configured && configured != code.DefaultName()
            ? configured
            : l[code.DefaultName()];

    public static string Activity(IStringLocalizer<SharedResource> l, string kind) =>
        Enum.TryParse<ActivityKind>(kind, out var k) ? l[k.Russian()] : kind;

    /// <summary>The dashboard's "need attention" filter with its threshold: «КП истекает < 3 дн.».</summary>
    public static string Attention(IStringLocalizer<SharedResource> l, SalesCrm.Data.Dashboard.AttentionFilter flag, ThresholdOptions thresholds) => flag switch
    {
        SalesCrm.Data.Dashboard.AttentionFilter.ProposalExpiring => l["КП истекает"] + $" < {thresholds.ProposalExpiringDays} " + l["дн."],
        SalesCrm.Data.Dashboard.AttentionFilter.NoActivity => l["Нет активности"] + $" > {thresholds.NoActivityDays} " + l["дн."],
        _ => l["Высокий риск клиента"],
    };

    public static readonly SalesCrm.Data.Dashboard.AttentionFilter[] AttentionFlags =
    [
        SalesCrm.Data.Dashboard.AttentionFilter.ProposalExpiring, SalesCrm.Data.Dashboard.AttentionFilter.NoActivity,
        SalesCrm.Data.Dashboard.AttentionFilter.HighRiskClient,
    ];

    /// <summary>
    /// A number with its noun in the right Russian form: 1 запись, 2 записи, 5 записей, 11 записей, 21 запись (each form is
    /// translated on its own).
    /// </summary>
    public static string Count(IStringLocalizer<SharedResource> l, long n, string one, string few, string many)
    {
        var (tens, units) = (Math.Abs(n) % 100, Math.Abs(n) % 10);
        var form = tens is >= 11 and <= 14 ? many : units == 1 ? one : units is >= 2 and <= 4 ? few : many;
        return $"{n.ToString("N0", CultureInfo.CurrentCulture)} {l[form]}";
    }

    /// <summary>A period by its name: «ноябрь 2026», «4 кв. 2026», or its dates.</summary>
    public static string Period(IStringLocalizer<SharedResource> l, ReportingPeriod p) => p.Kind switch
    {
        PeriodKind.Month => new DateTime(p.FirstDay.Year, p.FirstDay.Month, 1).ToString("MMMM yyyy", CultureInfo.CurrentCulture),
        PeriodKind.Quarter => $"{(p.FirstDay.Month - 1) / 3 + 1} {l["кв."]} {p.FirstDay.Year}",
        _ => Dates(p),
    };

    public static string Dates(ReportingPeriod p) =>
        $"{p.FirstDay.ToString("d", CultureInfo.CurrentCulture)} — {p.LastDay.ToString("d", CultureInfo.CurrentCulture)}";

    /// <summary>What a period is compared with (<see cref="PeriodComparison"/>): the same elapsed days of the one before, the whole one, or not yet.</summary>
    public static string Baseline(IStringLocalizer<SharedResource> l, PeriodComparison c) =>
        !c.Comparable ? l["сравнивать рано: не прошло и суток"]
        : c.Cut ? l["{0} (столько же дней от начала)", Dates(c.Baseline)]
        : Period(l, c.Baseline);

    public static string Direction(IStringLocalizer<SharedResource> l, string? direction) =>
        Enum.TryParse<ActivityDirection>(direction, out var d) && d != ActivityDirection.None ? l[d.Russian()] : "";
}
