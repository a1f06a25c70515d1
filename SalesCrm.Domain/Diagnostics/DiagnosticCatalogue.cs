namespace SalesCrm.Domain.Diagnostics;

/// <summary>How a block or a trigger stands.</summary>
public enum DiagnosticStatus
{
    /// <summary>Not enough data in the period to judge (no leads, no inbound calls…).</summary>
    NoData = 0,
    Ok = 1,
    Warning = 2,
    Triggered = 3,
}

/// <summary>Which side of the threshold is bad.</summary>
public enum TriggerDirection
{
    /// <summary>Triggered when the value is above the threshold (response time, overdue share…).</summary>
    Above = 1,
    /// <summary>Triggered when the value is below the threshold (contact rate, repeat share…).</summary>
    Below = 2,
}

public enum TriggerUnit
{
    Share = 1,
    Minutes = 2,
    Count = 3,
    Days = 4,
}

/// <summary>A trigger a sales consultant checks: the figure, which side is bad, the default threshold, and its block.</summary>
public sealed record TriggerDefinition(string Code, int Block, string Title, TriggerDirection Direction, double DefaultThreshold, TriggerUnit Unit,
    string Definition);

/// <summary>
/// The codes of the triggers, written here once and used by name everywhere else. They are stable: thresholds
/// (<c>Crm:Diagnostics:Thresholds:&lt;code&gt;</c>) and stored snapshots (<see cref="DiagnosticSnapshot.TriggerCode"/>) keep them,
/// so a constant may be renamed but its string stays as it is.
/// </summary>
public static class TriggerCodes
{
    // 1. Inbound flow and speed of reaction.
    public const string ResponseMedian = "ResponseMedian";
    public const string ContactRate = "ContactRate";
    public const string MissedCalls = "MissedCalls";
    public const string LostBeforeContact = "LostBeforeContact";

    // 2. CRM discipline and clean data.
    public const string NoNextStep = "NoNextStep";
    public const string IncompleteClients = "IncompleteClients";
    public const string Duplicates = "Duplicates";
    public const string Unreconciled = "Unreconciled";

    // 3. Stage conversion.
    public const string SaggingStage = "SaggingStage";
    public const string SlowStages = "SlowStages";
    public const string StuckShare = "StuckShare";
    public const string UnopenedProposals = "UnopenedProposals";

    // 4. Automation.
    public const string OverdueTasks = "OverdueTasks";
    public const string ManualLeads = "ManualLeads";
    public const string OverCapacity = "OverCapacity";

    // 5. Repeat sales and existing clients.
    public const string RepeatShare = "RepeatShare";
    public const string ClientActivityDrop = "ClientActivityDrop";
    public const string ChurnRate = "ChurnRate";

    // 6. Reports and rituals.
    public const string NoWeeklyPack = "NoWeeklyPack";
    public const string BoardUnwatched = "BoardUnwatched";
    public const string DecisionsWithoutData = "DecisionsWithoutData";

    // 7. Integrations and channels.
    public const string NoSource = "NoSource";
    public const string SilentChannels = "SilentChannels";
    public const string CrossChannelDuplicates = "CrossChannelDuplicates";
    public const string ManualCalls = "ManualCalls";

    // 8. Training and coaching.
    public const string NewManagers = "NewManagers";
    public const string ConversionDrop = "ConversionDrop";
}

/// <summary>One of the eight blocks of work of the second seed: when it applies, what to do, and the expected effect.</summary>
public sealed record DiagnosticBlock(int Number, string Title, string Actions, string Effect);

/// <summary>
/// The eight blocks of work and their triggers (the consultant's method, «Логика блоков работ и когда мы их применяем»), with the default
/// thresholds the settings start from. The codes are stable: thresholds, snapshots and links refer to them.
/// </summary>
public static class DiagnosticCatalogue
{
    public static IReadOnlyList<DiagnosticBlock> Blocks { get; } =
    [
        new(1, "Входящий поток и скорость реакции",
            "Формы и виджеты, маршрутизация заявок, уведомления, календарь записи на встречу.",
            "Больше контактов и назначенных встреч из того же объёма лидов."),
        new(2, "Дисциплина в CRM и чистота данных",
            "Обязательные поля, правило «нет следующего шага — нет сделки», контроль просрочек, устранение дублей, единые наименования.",
            "Предсказуемость, прозрачные отчёты, меньше «висящих» сделок."),
        new(3, "Конверсия по этапам",
            "Пересборка этапов воронки, сценарии звонков и писем, шаблоны коммерческих предложений, контроль качества 5–10 звонков в неделю.",
            "Рост переходов между этапами и доли выигранных сделок."),
        new(4, "Автоматизация и удобство работы",
            "Автоматические задачи и напоминания, последовательности касаний, шаблоны, простая приоритизация заявок.",
            "Меньше рутины, выше скорость обработки и качество исполнения."),
        new(5, "Повторные продажи и работа с действующими клиентами",
            "Кампании повторных покупок, допродажи, напоминания о продлении и следующем шаге, сценарии «реанимации» уснувших клиентов.",
            "Рост среднего чека и выручки от базы."),
        new(6, "Отчёты и управленческие ритуалы",
            "3–5 ключевых отчётов для руководителя (время ответа, конверсии по этапам, просрочки), еженедельные мини-разборы, ежемесячный отчёт «было/стало».",
            "Быстрые управленческие решения по фактам, а не по ощущениям."),
        new(7, "Интеграции и каналы",
            "Подключаем телефонию, сайт, почту, мессенджеры, настраиваем метки источников и антидубли.",
            "Сквозной путь заявки от источника до сделки, меньше потерь."),
        new(8, "Обучение и коучинг",
            "Обучение руководителя отдела продаж и команды, ролевые тренировки, индивидуальные рекомендации менеджерам.",
            "Единый стандарт работы, меньше ошибок, стабильный рост показателей."),
    ];

    public static IReadOnlyList<TriggerDefinition> Triggers { get; } =
    [
        new(TriggerCodes.ResponseMedian, 1, "Время ответа на лид (медиана)", TriggerDirection.Above, 10, TriggerUnit.Minutes,
            "первый контакт − создание лида, рабочие минуты, медиана по лидам периода"),
        new(TriggerCodes.ContactRate, 1, "Доля связавшихся", TriggerDirection.Below, 0.6, TriggerUnit.Share, "лиды с первым контактом ÷ все лиды периода"),
        new(TriggerCodes.MissedCalls, 1, "Доля пропущенных звонков", TriggerDirection.Above, 0.15, TriggerUnit.Share, "пропущенные входящие ÷ все входящие звонки"),
        new(TriggerCodes.LostBeforeContact, 1, "Заявки, потерянные до контакта", TriggerDirection.Above, 0.1, TriggerUnit.Share,
            "лиды, закрытые или отклонённые без контакта ÷ все лиды периода"),

        new(TriggerCodes.NoNextStep, 2, "Сделки без следующего шага", TriggerDirection.Above, 0.1, TriggerUnit.Share,
            "открытые сделки без открытой задачи в будущем ÷ открытые сделки"),
        new(TriggerCodes.IncompleteClients, 2, "Карточки с пустыми полями", TriggerDirection.Above, 0.1, TriggerUnit.Share,
            "клиенты без контактов, ЛПР, телефона и e-mail или с неверным ИНН ÷ все клиенты"),
        new(TriggerCodes.Duplicates, 2, "Дубли клиентов", TriggerDirection.Above, 0, TriggerUnit.Count, "пары клиентов с одним ИНН, телефоном, e-mail или похожим названием"),
        new(TriggerCodes.Unreconciled, 2, "Отчёты не сходятся", TriggerDirection.Above, 0, TriggerUnit.Count,
            "сделки, чей этап противоречит данным (КП отправлено без КП, подписание без согласования)"),

        new(TriggerCodes.SaggingStage, 3, "Провисающий этап", TriggerDirection.Above, 0.15, TriggerUnit.Share,
            "наибольшее падение конверсии этапа к прошлому периоду (в долях)"),
        new(TriggerCodes.SlowStages, 3, "Этапы дольше нормы", TriggerDirection.Above, 0, TriggerUnit.Count, "этапы, где среднее время открытых сделок больше порога этапа"),
        new(TriggerCodes.StuckShare, 3, "Доля застрявших сделок", TriggerDirection.Above, 0.15, TriggerUnit.Share, "застрявшие сделки ÷ открытые сделки"),
        new(TriggerCodes.UnopenedProposals, 3, "КП без просмотра", TriggerDirection.Above, 0.4, TriggerUnit.Share,
            "КП, отправленные за месяц не позже чем три дня назад и не открытые клиентом ÷ все такие КП"),

        new(TriggerCodes.OverdueTasks, 4, "Просроченные задачи", TriggerDirection.Above, 0.15, TriggerUnit.Share, "открытые задачи со сроком в прошлом ÷ открытые задачи"),
        new(TriggerCodes.ManualLeads, 4, "Ручной ввод заявок", TriggerDirection.Above, 0.5, TriggerUnit.Share, "лиды, введённые вручную ÷ все лиды периода"),
        new(TriggerCodes.OverCapacity, 4, "Менеджеры сверх ёмкости", TriggerDirection.Above, 0, TriggerUnit.Count, "менеджеры, у которых открытых сделок и лидов больше ёмкости"),

        new(TriggerCodes.RepeatShare, 5, "Доля повторных покупок", TriggerDirection.Below, 0.25, TriggerUnit.Share,
            "клиенты с двумя и более выигранными сделками ÷ клиенты хотя бы с одной"),
        new(TriggerCodes.ClientActivityDrop, 5, "Падение активности с клиентами", TriggerDirection.Above, 0.2, TriggerUnit.Share,
            "падение числа касаний действующих клиентов за 90 дней к 90 дням до того"),
        new(TriggerCodes.ChurnRate, 5, "Отток", TriggerDirection.Above, 0.2, TriggerUnit.Share, "договоры периода без пролонгации ÷ договоры, закончившиеся в периоде"),

        new(TriggerCodes.NoWeeklyPack, 6, "Дней без отчёта для планёрки", TriggerDirection.Above, 14, TriggerUnit.Days, "дней с последнего отчёта для планёрки"),
        new(TriggerCodes.BoardUnwatched, 6, "Дней без табло команды", TriggerDirection.Above, 14, TriggerUnit.Days, "дней с последнего открытия табло команды"),
        new(TriggerCodes.DecisionsWithoutData, 6, "Решения без данных", TriggerDirection.Above, 14, TriggerUnit.Days,
            "дней с последнего открытия дашборда или отчётов руководителем"),

        new(TriggerCodes.NoSource, 7, "Заявки без источника", TriggerDirection.Above, 0.1, TriggerUnit.Share, "лиды периода без меток источника (utm и т. п.) ÷ все лиды"),
        new(TriggerCodes.SilentChannels, 7, "Замолчавшие каналы", TriggerDirection.Above, 0, TriggerUnit.Count,
            "каналы, дававшие заявки раньше, но без заявок за последние 30 дней"),
        new(TriggerCodes.CrossChannelDuplicates, 7, "Дубли между каналами", TriggerDirection.Above, 0.1, TriggerUnit.Share,
            "лиды периода, пришедшие повторно (уже известный клиент или лид) ÷ все лиды"),
        new(TriggerCodes.ManualCalls, 7, "Звонки, внесённые вручную", TriggerDirection.Above, 0.5, TriggerUnit.Share, "звонки без события телефонии ÷ все звонки периода"),

        new(TriggerCodes.NewManagers, 8, "Новые менеджеры", TriggerDirection.Above, 0, TriggerUnit.Count, "менеджеры, работающие меньше 90 дней"),
        new(TriggerCodes.ConversionDrop, 8, "Падение личной конверсии", TriggerDirection.Above, 0, TriggerUnit.Count,
            "менеджеры, чья доля выигранных упала на 10 п. п. и больше к прошлому периоду"),
    ];

    /// <summary>
    /// The data-quality rules behind block 2's triggers (no next step, incomplete client cards, duplicates, a stage that
    /// contradicts the deal's data): the findings whose fix tasks start the block's work.
    /// </summary>
    public static IReadOnlyList<Quality.QualityRule> DisciplineRules { get; } =
    [
        Quality.QualityRule.DealNoNextStep, Quality.QualityRule.ClientNoContact, Quality.QualityRule.ClientNoDecisionMaker,
        Quality.QualityRule.ClientNoPhoneOrEmail, Quality.QualityRule.ClientInnInvalid, Quality.QualityRule.ClientRequiredFieldsEmpty,
        Quality.QualityRule.DuplicateClient, Quality.QualityRule.DealStageInconsistent,
    ];

    public static DiagnosticBlock Block(int number) => Blocks.Single(b => b.Number == number);

    public static TriggerDefinition Trigger(string code) => Triggers.Single(t => t.Code == code);
}

/// <summary>The rule that turns a measured value and its threshold into a status, and a block's status from its triggers.</summary>
public static class DiagnosticPolicy
{
    /// <summary>A value within this fraction of the threshold on the good side is a warning (e.g. 9 minutes against 10).</summary>
    public const double WarningMargin = 0.2;

    /// <summary>
    /// Triggered strictly past the threshold (the seed's "больше 10 минут", "меньше 60 %"); a warning when within
    /// <see cref="WarningMargin"/> of it on the good side (for a threshold of 0, any value at it is fine); no data without a
    /// value.
    /// </summary>
    public static DiagnosticStatus Evaluate(TriggerDirection direction, double? value, double threshold)
    {
        if (value is not { } v) return DiagnosticStatus.NoData;
        var margin = Math.Abs(threshold) * WarningMargin;
        return direction switch
        {
            TriggerDirection.Above when v > threshold => DiagnosticStatus.Triggered,
            TriggerDirection.Above when margin > 0 && v > threshold - margin => DiagnosticStatus.Warning,
            TriggerDirection.Below when v < threshold => DiagnosticStatus.Triggered,
            TriggerDirection.Below when margin > 0 && v < threshold + margin => DiagnosticStatus.Warning,
            _ => DiagnosticStatus.Ok,
        };
    }

    /// <summary>The block stands as its worst trigger; a block with no data at all has no data.</summary>
    public static DiagnosticStatus BlockStatus(IEnumerable<DiagnosticStatus> triggers)
    {
        var list = triggers.ToList();
        return list.Count == 0 ? DiagnosticStatus.NoData : list.Max();
    }
}
