using SalesCrm.Data.Integrations;

namespace SalesCrm.Web.Services;

/// <summary>
/// Reads a SPARK export: the header row is matched leniently (case, spaces, punctuation and word order do not matter:
/// "ИНН", "Индекс должной осмотрительности", "ИФР", "Индекс платёжной дисциплины" and the English names all work);
/// the INN column and the three indices are required.
/// </summary>
public static class RiskFileReader
{
    public sealed record RiskFile(IReadOnlyList<RiskRow> Rows, string? Error);

    public static RiskFile Read(string fileName, Stream content)
    {
        var (table, error) = TableFileReader.Read(fileName, content);
        if (error is not null) return new RiskFile([], error);
        if (table.Count == 0) return new RiskFile([], "Файл пуст.");
        var headerIndex = table.FindIndex(r => r.Cells.Any(c => Key(c) == "inn")); // SPARK puts a title above the header
        if (headerIndex < 0) return new RiskFile([], "Не найдена колонка «ИНН».");
        var header = table[headerIndex].Cells.Select(Key).ToArray();
        int Find(string key) => Array.IndexOf(header, key);
        var (inn, dd, fr, pd) = (Find("inn"), Find("dd"), Find("fr"), Find("pd"));
        var missing = new[] { (dd, "индекс должной осмотрительности"), (fr, "индекс финансового риска"), (pd, "индекс платёжной дисциплины") }
            .Where(x => x.Item1 < 0).Select(x => x.Item2).ToList();
        if (missing.Count > 0) return new RiskFile([], "В файле нет колонок: " + string.Join(", ", missing) + ".");
        string? At(string[] cells, int i) => i < cells.Length ? cells[i] : null;
        var rows = table.Skip(headerIndex + 1).Where(r => r.Cells.Any(c => !string.IsNullOrWhiteSpace(c)))
            .Select(r => new RiskRow(r.Line, At(r.Cells, inn), At(r.Cells, dd), At(r.Cells, fr), At(r.Cells, pd))).ToList();
        return rows.Count == 0 ? new RiskFile([], "В файле нет строк с данными: под заголовками пусто.") : new RiskFile(rows, null);
    }

    /// <summary>What a header means, however it is written.</summary>
    private static string Key(string header)
    {
        var h = new string(header.ToLowerInvariant().Replace('ё', 'е').Where(char.IsLetterOrDigit).ToArray());
        if (h is "инн" or "inn" or "иннконтрагента") return "inn";
        if (h.Contains("осмотр") || h is "идо" || h.Contains("duediligence")) return "dd";
        if (h.Contains("финансов") || h is "ифр" || h.Contains("financialrisk")) return "fr";
        if (h.Contains("платежн") || h is "ипд" || h.Contains("paymentdiscipline")) return "pd";
        return h;
    }
}
