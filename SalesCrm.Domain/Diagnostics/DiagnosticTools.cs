namespace SalesCrm.Domain.Diagnostics;

/// <summary>A place in SalesCrm where a block's remedy is started; <see cref="DepartmentOnly"/> — only the head or the administrator opens it.</summary>
public sealed record DiagnosticTool(string Title, string Href, bool DepartmentOnly = false);

/// <summary>
/// From the diagnosis to the tool: for each block of work, the screens of SalesCrm where its remedy is done — the call scripts
/// and proposal templates of block 3, the renewals of block 5, the weekly pack of block 6… A triggered block offers them beside
/// its advice, so «что делаем» is a click away.
/// </summary>
public static class DiagnosticTools
{
    public static IReadOnlyList<DiagnosticTool> For(int block) => block switch
    {
        1 => [new("Распределение лидов", "/settings#distribution"), new("Лиды без контакта", "/leads?view=all&only=notcontacted"),
              new("Формы сайта и телефония", "/admin?section=integrations", DepartmentOnly: true)],
        2 => [new("Качество данных", "/quality"), new("Сделки без следующего шага", "/deals?nostep=1&open=1")],
        3 => [new("Сценарии звонков", "/settings#call-scripts"), new("Шаблоны КП", "/settings#proposal-templates"), new("Примеры для коучинга", "/team")],
        4 => [new("Просроченные задачи", "/tasks?view=overdue"), new("Распределение лидов", "/settings#distribution")],
        5 => [new("Пролонгации и риск оттока", "/renewals")],
        6 => [new("Еженедельный отчёт", "/reports?kind=week"), new("Табло для офиса", "/settings#board")],
        7 => [new("Интеграции", "/admin?section=integrations", DepartmentOnly: true), new("Ключи API", "/settings#api-keys", DepartmentOnly: true)],
        8 => [new("Коучинг команды", "/team")],
        _ => [],
    };
}
