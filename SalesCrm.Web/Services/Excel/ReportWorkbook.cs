using System.Globalization;
using ClosedXML.Excel;
using Microsoft.Extensions.Localization;
using SalesCrm.Data.Reports;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Web.Components.Shared;
using SalesCrm.Web.Resources;

namespace SalesCrm.Web.Services.Excel;

/// <summary>
/// The weekly management pack as one formatted workbook (ClosedXML; the pack is small): a sheet per section, bold
/// frozen headers with an autofilter, ₽ and percent formats, dates as dates, fitted columns, and the period, scope,
/// author and time on the first sheet. Every figure comes from the same <see cref="ManagementPack"/> the page shows.
/// </summary>
public static class ReportWorkbook
{
    public const string MoneyFormat = "#,##0.00 \"₽\"";
    public const string PercentFormat = "0.0%";

    public static byte[] Build(ManagementPack pack, TimeZoneInfo zone, IStringLocalizer<SharedResource> l)
    {
        string T(string text) => l[text];
        var period = Texts.Dates(pack.Period);
        var baseline = Texts.Baseline(l, pack.Comparison);
        var generated = TimeZoneInfo.ConvertTimeFromUtc(pack.GeneratedAt, zone).ToString("g", CultureInfo.CurrentCulture);
        var month = Texts.Period(l, pack.Month);
        var stagesAt = pack.Period.ToUtc <= pack.GeneratedAt
            ? TimeZoneInfo.ConvertTimeFromUtc(pack.Period.ToUtc, zone).ToString("g", CultureInfo.CurrentCulture)
            : generated;
        using var book = new XLWorkbook();
        var summary = book.AddWorksheet(T("Сводка"));
        summary.Cell(1, 1).Value = T("Отчёт для планёрки");
        summary.Cell(1, 1).Style.Font.SetBold().Font.SetFontSize(14);
        // Each figure with the period it is of (column C): the plan is the month of the report, the forecasts the month and quarter running now.
        var facts = new (string Label, object Value, string? Format, string? Of)[]
        {
            (T("Команда"), pack.Scope.Name, null, null),
            (T("Период"), period, null, null),
            (T("Сравнение с"), baseline, null, null),
            (T("Автор"), pack.Author, null, null),
            (T("Сформирован"), TimeZoneInfo.ConvertTimeFromUtc(pack.GeneratedAt, zone), "dd.mm.yyyy hh:mm", null),
            (T("План месяца"), pack.PlanKopecks / 100m, MoneyFormat, month),
            (T("Выиграно за месяц"), pack.WonMonthKopecks / 100m, MoneyFormat, month),
            (T("Выполнение плана"), pack.Attainment ?? 0, PercentFormat, month),
            (T("Прогноз месяца"), pack.MonthForecast.ForecastKopecks / 100m, MoneyFormat, Texts.Period(l, pack.MonthForecast.Period(zone))),
            (T("Прогноз квартала"), pack.QuarterForecast.ForecastKopecks / 100m, MoneyFormat, Texts.Period(l, pack.QuarterForecast.Period(zone))),
        };
        summary.Cell(2, 3).Value = T("За период");
        summary.Cell(2, 3).Style.Font.SetBold();
        for (var i = 0; i < facts.Length; i++)
        {
            summary.Cell(i + 3, 1).Value = facts[i].Label;
            summary.Cell(i + 3, 1).Style.Font.SetBold();
            Set(summary.Cell(i + 3, 2), facts[i].Value, facts[i].Format);
            if (facts[i].Of is { } of) summary.Cell(i + 3, 3).Value = of;
        }
        Fit(summary, 3, facts.Length + 2);

        Table(book, l, "План", l["План и выигрыш за месяц — {0}; за период — {1}; база сравнения — {2}", month, period, baseline],
            ["Менеджер", "План месяца", "Выиграно за месяц", "Выполнение", "Выиграно за период", "Выиграно за базу сравнения"],
            pack.Plan.Select(p => new object?[] { p.Name, Money(p.PlanKopecks), Money(p.WonMonthKopecks), p.Attainment, Money(p.WonPeriodKopecks), Money(p.WonPreviousKopecks) }),
            [null, MoneyFormat, MoneyFormat, PercentFormat, MoneyFormat, MoneyFormat]);
        Table(book, l, "Воронка", l["Сделки на этапах — на {0}; выигрыш и проигрыш — за {1}; конверсия — сделки, вошедшие в этап за {1}, сравнение: {2}", stagesAt, period, baseline],
            ["Этап", "Сделок", "Премия", "Взвешенная премия", "Конверсия", "Конверсия базы сравнения", "Изменение, п.п."],
            pack.Funnel.Select(f => new object?[] { f.Name, f.Count, Money(f.PremiumKopecks), Money(f.WeightedKopecks), f.Conversion, f.PreviousConversion,
                f.ChangePoints is { } c ? Math.Round(c, 1) : null }),
            [null, "0", MoneyFormat, MoneyFormat, PercentFormat, PercentFormat, "0.0"]);
        Table(book, l, "Горящие сделки", l["Открытые сделки на {0}", generated],
            ["№ сделки", "Клиент", "Продукт", "Ответственный", "Этап", "Премия", "Риск, баллы", "Почему", "Дней на этапе", "Ожидаемое закрытие"],
            pack.Burning.Select(b => new object?[] { b.DealId, b.ClientName, b.ProductName, b.OwnerName, T(StageName(pack, b.Stage)), Money(b.PremiumKopecks), b.Score,
                string.Join(", ", b.Reasons.Select(r => T(r.Russian()))), b.DaysInStage, b.ExpectedCloseDate }),
            ["0", null, null, null, null, MoneyFormat, "0", null, "0", "dd.mm.yyyy"]);
        Table(book, l, "Причины проигрыша", l["Сделки, проигранные за {0}", period], ["Разрез", "Группа", "Причина", "Сделок", "Премия"],
            pack.LossesByProduct.Select(x => new object?[] { T("Продукт"), x.Group, T(x.Reason.Russian()), x.Count, Money(x.PremiumKopecks) })
                .Concat(pack.LossesByIndustry.Select(x => new object?[] { T("Отрасль"), x.Group, T(x.Reason.Russian()), x.Count, Money(x.PremiumKopecks) })),
            [null, null, null, "0", MoneyFormat]);
        Table(book, l, "Прогноз", l["Месяц и квартал, идущие на {0} (даты — в столбцах «С» и «По»)", generated],
            ["Период", "С", "По", "Выиграно", "Взвешенная воронка", "Прогноз", "План", "Прогноз к плану"],
            new[] { (T("Месяц"), pack.MonthForecast), (T("Квартал"), pack.QuarterForecast) }.Select(f => new object?[]
            {
                f.Item1, f.Item2.FirstDay.ToDateTime(TimeOnly.MinValue), f.Item2.LastDay.ToDateTime(TimeOnly.MinValue), Money(f.Item2.WonKopecks),
                Money(f.Item2.WeightedOpenKopecks), Money(f.Item2.ForecastKopecks), Money(f.Item2.PlanKopecks), f.Item2.ForecastToPlan,
            }),
            [null, "dd.mm.yyyy", "dd.mm.yyyy", MoneyFormat, MoneyFormat, MoneyFormat, MoneyFormat, PercentFormat]);
        Table(book, l, "Команда", l["Открытые лиды и сделки — на {0}; новые лиды, выигрыши и проигрыши — за {1}; база сравнения — {2}", generated, period, baseline],
            ["Менеджер", "Открытых лидов", "Открытых сделок", "Ёмкость", "Новых лидов за период", "Выиграно", "Проиграно", "Конверсия",
                "Конверсия базы сравнения", "Сверх ёмкости", "Конверсия упала"],
            pack.Team.Select(t => new object?[] { t.Name, t.OpenLeads, t.OpenDeals, t.Capacity, t.NewLeads, t.Won, t.Lost, t.WinRate, t.PreviousWinRate,
                t.OverCapacity ? T("да") : "", t.ConversionDropped ? T("да") : "" }),
            [null, "0", "0", "0", "0", "0", "0", PercentFormat, PercentFormat, null, null]);
        Table(book, l, "Скидки выше лимита", l["Запросы, созданные за {0}", period],
            ["№ запроса", "№ сделки", "Клиент", "Запросил", "Скидка, %", "Запрошенная премия", "Решает", "Статус", "Создан"],
            pack.DiscountsAboveTeamLead.Select(d => new object?[] { d.RequestId, d.DealId, d.ClientName, d.RequesterName, d.DiscountPercent, Money(d.RequestedPremiumKopecks),
                T(d.Route.Russian()), T(d.State.Russian()), TimeZoneInfo.ConvertTimeFromUtc(d.CreatedAt, zone) }),
            ["0", "0", null, null, "0.00", MoneyFormat, null, null, "dd.mm.yyyy hh:mm"]);
        Table(book, l, "КП", l["КП, отправленные за {0}, и что с ними стало на {1}", period, generated],
            ["Менеджер", "Отправлено", "Открыто клиентом", "Не открыто", "Доля открытых", "Часов до открытия (медиана)", "Сделок выиграно"],
            pack.Proposals.Select(r => new object?[] { r.Name, r.Sent, r.Opened, r.NotOpened, r.OpenRate, r.MedianHoursToOpen, r.Won }),
            [null, "0", "0", "0", PercentFormat, "0.0", "0"]);

        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static decimal Money(long kopecks) => kopecks / 100m;

    private static string StageName(ManagementPack pack, StageCode stage) => pack.Funnel.FirstOrDefault(f => f.Stage == stage)?.Name ?? stage.ToString();

    /// <summary>A sheet: the period its figures are of (row 1), the headers (row 2), the rows.</summary>
    private static void Table(XLWorkbook book, IStringLocalizer<SharedResource> l, string name, string period, string[] headers, IEnumerable<object?[]> rows,
        string?[] formats)
    {
        var sheet = book.AddWorksheet(l[name]);
        sheet.Cell(1, 1).Value = period;
        sheet.Cell(1, 1).Style.Font.SetItalic();
        for (var c = 0; c < headers.Length; c++)
        {
            var cell = sheet.Cell(2, c + 1);
            cell.Value = l[headers[c]].Value;
            cell.Style.Font.SetBold().Fill.SetBackgroundColor(XLColor.FromHtml("#DCE6F2"));
        }
        var r = 2;
        foreach (var row in rows)
        {
            r++;
            for (var c = 0; c < row.Length; c++) Set(sheet.Cell(r, c + 1), row[c], formats[c]);
        }
        sheet.SheetView.FreezeRows(2);
        sheet.Range(2, 1, r, headers.Length).SetAutoFilter();
        Fit(sheet, headers.Length, r, fromRow: 2);
    }

    /// <summary>
    /// Column widths from the text the cells show (ClosedXML's AdjustToContents measures fonts through GDI+, which the
    /// app must not need on a server).
    /// </summary>
    private static void Fit(IXLWorksheet sheet, int columns, int rows, int fromRow = 1)
    {
        for (var c = 1; c <= columns; c++)
        {
            var longest = 0;
            for (var r = fromRow; r <= Math.Min(rows, 300); r++)
            {
                var cell = sheet.Cell(r, c);
                var text = cell.DataType == XLDataType.Number ? cell.GetDouble().ToString("#,##0.00", CultureInfo.InvariantCulture) + " ₽" : cell.GetFormattedString();
                longest = Math.Max(longest, text.Length);
            }
            sheet.Column(c).Width = Math.Clamp(longest * 1.1 + 2, 8, 60);
        }
    }

    private static void Set(IXLCell cell, object? value, string? format)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                cell.SetValue(s);
                break;
            case DateTime d:
                cell.SetValue(d);
                break;
            case int or long or decimal or double:
                cell.SetValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            default:
                cell.SetValue(value.ToString());
                break;
        }
        if (format is not null) cell.Style.NumberFormat.Format = format;
    }
}
