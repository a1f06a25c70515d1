namespace SalesCrm.Web.Services;

/// <summary>
/// Reads a plan table: one row per seller and month, with the columns «Сотрудник» (e-mail or full name), «Год», «Месяц» and
/// «План» (rubles). Headers are matched leniently («E-mail», «ФИО», «План, ₽», English names); a title row above is skipped.
/// </summary>
public static class PlanFileReader
{
    public sealed record PlanFile(IReadOnlyList<(int Row, string? Who, string? Year, string? Month, string? Rubles)> Rows, string? Error);

    public static PlanFile Read(string fileName, Stream content)
    {
        var (table, error) = TableFileReader.Read(fileName, content);
        if (error is not null) return new PlanFile([], error);
        var headerIndex = table.FindIndex(r => r.Cells.Any(c => Key(c) == "who") && r.Cells.Any(c => Key(c) == "plan"));
        if (headerIndex < 0) return new PlanFile([], "Не найдены колонки «Сотрудник» и «План». Нужны колонки: Сотрудник (e-mail или ФИО), Год, Месяц, План.");
        var header = table[headerIndex].Cells.Select(Key).ToArray();
        int Find(string key) => Array.IndexOf(header, key);
        var (who, year, month, plan) = (Find("who"), Find("year"), Find("month"), Find("plan"));
        var missing = new[] { (year, "Год"), (month, "Месяц") }.Where(x => x.Item1 < 0).Select(x => "«" + x.Item2 + "»").ToList();
        if (missing.Count > 0) return new PlanFile([], "В файле нет колонок: " + string.Join(", ", missing) + ".");
        string? At(string[] cells, int i) => i < cells.Length ? cells[i] : null;
        var rows = table.Skip(headerIndex + 1).Where(r => r.Cells.Any(c => !string.IsNullOrWhiteSpace(c)))
            .Select(r => (r.Line, At(r.Cells, who), At(r.Cells, year), At(r.Cells, month), At(r.Cells, plan))).ToList();
        return rows.Count == 0 ? new PlanFile([], "В файле нет строк с данными: под заголовками пусто.") : new PlanFile(rows, null);
    }

    private static string Key(string header)
    {
        var h = new string(header.ToLowerInvariant().Replace('ё', 'е').Where(char.IsLetter).ToArray());
        if (h is "сотрудник" or "менеджер" or "фио" or "email" or "емейл" or "почта" or "manager" or "employee" or "name") return "who";
        if (h is "год" or "year") return "year";
        if (h is "месяц" or "month") return "month";
        if (h.StartsWith("план", StringComparison.Ordinal) || h.StartsWith("plan", StringComparison.Ordinal) || h.StartsWith("target", StringComparison.Ordinal))
            return "plan";
        return h;
    }
}
