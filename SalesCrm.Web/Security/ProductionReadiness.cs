using Microsoft.EntityFrameworkCore;
using SalesCrm.Data;
using SalesCrm.Data.Demo;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Web.Security;

/// <summary>The app will not start as configured; the message says which setting to change.</summary>
public sealed class StartupRefusedException(IReadOnlyList<string> problems)
    : Exception("SalesCrm не запущен (refused to start):" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  • " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// What a start outside Development must not carry: the demo (its accounts share a public password, its API key, board
/// link and telephony secret are printed in the repository) unless <c>Demo:Enabled</c> asks for it, a secret whose value
/// the repository ships, hosts left open to any <c>Host</c> header, or a database nobody can sign in to.
/// </summary>
public static class ProductionReadiness
{
    /// <summary>Values that appear in this repository and so protect nothing.</summary>
    private static readonly string[] ShippedSecrets =
        [DemoDataGenerator.DemoTelephonySecret, DemoDataGenerator.DemoPassword, DemoDataGenerator.DemoApiKey, DemoDataGenerator.DemoBoardToken];

    public const string DemoDomain = "@demo.salescrm";

    public static async Task<IReadOnlyList<string>> ProblemsAsync(IConfiguration config, IHostEnvironment environment, IProviderContextFactory contexts,
        bool demo, CancellationToken ct = default)
    {
        var problems = ProxySettings.Problems(config).ToList();
        if (environment.IsDevelopment() || demo) return problems;
        foreach (var key in new[] { "Telephony:Secret", "Bootstrap:AdminPassword", "Smtp:Password" })
            if (config[key] is { Length: > 0 } value && ShippedSecrets.Contains(value.Trim(), StringComparer.Ordinal))
                problems.Add($"{key} — значение из репозитория, его знает любой. Задайте своё" +
                             (key == "Telephony:Secret" ? " или оставьте пустым и создайте секрет в «Администрирование → Интеграции»." : "."));
        var hosts = config["AllowedHosts"];
        if (string.IsNullOrWhiteSpace(hosts) || hosts.Split(';').Any(h => h.Trim() == "*"))
            problems.Add("AllowedHosts — «*»: приложение примет любой заголовок Host и подставит его в ссылки и перенаправления. " +
                         "Укажите имена, по которым сотрудники открывают CRM, через «;» (например, crm.company.ru).");

        await using var db = contexts.Create();
        var demoUsers = DemoDomain.ToUpperInvariant();
        var demoKey = ApiKey.Hash(DemoDataGenerator.DemoApiKey);
        var demoBoard = BoardToken.Hash(DemoDataGenerator.DemoBoardToken);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail!.EndsWith(demoUsers), ct)
            || await db.ApiKeys.AnyAsync(k => k.KeyHash == demoKey, ct)
            || await db.BoardTokens.AnyAsync(t => t.TokenHash == demoBoard, ct)
            || await db.IntegrationSecrets.AnyAsync(s => s.Secret == DemoDataGenerator.DemoTelephonySecret, ct))
            problems.Add("в базе данных демонстрационные данные (учётные записи с общим паролем, ключ API, ссылка табло, секрет телефонии). " +
                         "Запустите на пустой базе (Database:ConnectionString) или, если это демонстрационный стенд, включите Demo:Enabled=true.");
        if (!await db.Users.AnyAsync(ct)
            && (string.IsNullOrWhiteSpace(config["Bootstrap:AdminEmail"]) || string.IsNullOrWhiteSpace(config["Bootstrap:AdminPassword"])))
            problems.Add("нет ни одного пользователя: задайте Bootstrap:AdminEmail и Bootstrap:AdminPassword на первый запуск " +
                         "или создайте администратора командой «dotnet SalesCrm.Web.dll create-admin --email admin@company.ru».");
        return problems;
    }
}
