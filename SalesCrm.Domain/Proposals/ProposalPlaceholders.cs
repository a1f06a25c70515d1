namespace SalesCrm.Domain.Proposals;

/// <summary>
/// A field a proposal template may name as <c>{{Name}}</c>. <see cref="PerOption"/> fields are the proposal's options (variants):
/// they stand in one row of a table, and that row is repeated once per option.
/// </summary>
public sealed record Placeholder(string Name, string Description, string Example, bool PerOption = false);

/// <summary>
/// The placeholders of a proposal (КП) template: the client, the deal, the insured object, the options, the approved discount,
/// the validity date and the manager's signature block. A template naming anything else is refused with the list of what is
/// wrong; the settings page shows this list as the syntax's documentation.
/// </summary>
public static class ProposalPlaceholders
{
    public const string Open = "{{";
    public const string Close = "}}";

    public const string Client = "Клиент"; // not UI text: the placeholder as a template writes it
    public const string ClientInn = "Клиент.ИНН"; // not UI text: the placeholder as a template writes it
    public const string ClientKpp = "Клиент.КПП"; // not UI text: the placeholder as a template writes it
    public const string ClientAddress = "Клиент.Адрес"; // not UI text: the placeholder as a template writes it
    public const string Contact = "Контакт"; // not UI text: the placeholder as a template writes it
    public const string ContactPosition = "Контакт.Должность"; // not UI text: the placeholder as a template writes it
    public const string Product = "Продукт"; // not UI text: the placeholder as a template writes it
    public const string InsuredObject = "Объект"; // not UI text: the placeholder as a template writes it
    public const string DealNumber = "Сделка.Номер"; // not UI text: the placeholder as a template writes it
    public const string Number = "КП.Номер"; // not UI text: the placeholder as a template writes it
    public const string VersionNumber = "КП.Версия"; // not UI text: the placeholder as a template writes it
    public const string Date = "КП.Дата"; // not UI text: the placeholder as a template writes it
    public const string ValidUntil = "КП.ДействуетДо"; // not UI text: the placeholder as a template writes it
    public const string Premium = "Премия"; // not UI text: the placeholder as a template writes it
    public const string BasePremium = "Премия.БезСкидки"; // not UI text: the placeholder as a template writes it
    public const string Discount = "Скидка"; // not UI text: the placeholder as a template writes it
    public const string DiscountAmount = "Скидка.Сумма"; // not UI text: the placeholder as a template writes it
    public const string Manager = "Менеджер"; // not UI text: the placeholder as a template writes it
    public const string ManagerPosition = "Менеджер.Должность"; // not UI text: the placeholder as a template writes it
    public const string ManagerPhone = "Менеджер.Телефон"; // not UI text: the placeholder as a template writes it
    public const string ManagerEmail = "Менеджер.Email"; // not UI text: the placeholder as a template writes it
    public const string Company = "Компания"; // not UI text: the placeholder as a template writes it
    public const string Signature = "Подпись"; // not UI text: the placeholder as a template writes it

    public const string OptionNumber = "Вариант.Номер"; // not UI text: the placeholder as a template writes it
    public const string OptionName = "Вариант.Название"; // not UI text: the placeholder as a template writes it
    public const string OptionSumInsured = "Вариант.СтраховаяСумма"; // not UI text: the placeholder as a template writes it
    public const string OptionDeductible = "Вариант.Франшиза"; // not UI text: the placeholder as a template writes it
    public const string OptionPremium = "Вариант.Премия"; // not UI text: the placeholder as a template writes it
    public const string OptionTerms = "Вариант.Условия"; // not UI text: the placeholder as a template writes it

    public static IReadOnlyList<Placeholder> All { get; } =
    [
        new(Client, "название клиента",
            "ООО «Северный терминал»"), // not UI text: an example value, as a document shows it
        new(ClientInn, "ИНН клиента",
            "7707083893"),
        new(ClientKpp, "КПП клиента",
            "770701001"),
        new(ClientAddress, "адрес клиента",
            "г. Москва, ул. Лесная, д. 5"), // not UI text: an example value, as a document shows it
        new(Contact, "контактное лицо клиента (ЛПР, иначе первый контакт)",
            "Иванова Мария Петровна"), // not UI text: an example value, as a document shows it
        new(ContactPosition, "должность контактного лица",
            "финансовый директор"), // not UI text: an example value, as a document shows it
        new(Product, "страховой продукт сделки",
            "Имущество юрлиц"), // not UI text: an example value, as a document shows it
        new(InsuredObject, "объект страхования, как его описал менеджер",
            "Склад 2 400 м², Подольск"), // not UI text: an example value, as a document shows it
        new(DealNumber, "номер сделки в CRM",
            "1024"),
        new(Number, "номер КП: номер сделки и версия",
            "1024-2"),
        new(VersionNumber, "версия КП по сделке",
            "2"),
        new(Date, "дата КП",
            "08.12.2026"),
        new(ValidUntil, "КП действительно до",
            "22.12.2026"),
        new(Premium, "премия основного варианта (согласованная, если была скидка)",
            "1 234 567 ₽"),
        new(BasePremium, "премия до согласованной скидки",
            "1 300 000 ₽"),
        new(Discount, "согласованная скидка, % («нет», если скидки не было)",
            "5 %"),
        new(DiscountAmount, "согласованная скидка, сумма («—», если скидки не было)",
            "65 433 ₽"),
        new(Manager, "менеджер: фамилия, имя",
            "Петров Иван"), // not UI text: an example value, as a document shows it
        new(ManagerPosition, "должность менеджера",
            "менеджер по продажам"), // not UI text: an example value, as a document shows it
        new(ManagerPhone, "телефон менеджера",
            "+7 495 123-45-67"),
        new(ManagerEmail, "e-mail менеджера",
            "petrov@insurer.ru"),
        new(Company, "название компании (настройка Proposals:Company)",
            "АО «Страховая компания»"), // not UI text: an example value, as a document shows it
        new(Signature, "подпись компании под письмами (настройка Mailbox:Signature)",
            "Отдел корпоративных продаж, +7 495 000-00-00"), // not UI text: an example value, as a document shows it
        new(OptionNumber, "номер варианта",
            "1", true),
        new(OptionName, "название варианта",
            "Базовый", true), // not UI text: an example value, as a document shows it
        new(OptionSumInsured, "страховая сумма варианта",
            "150 000 000 ₽", true),
        new(OptionDeductible, "франшиза варианта",
            "100 000 ₽", true),
        new(OptionPremium, "премия варианта",
            "1 234 567 ₽", true),
        new(OptionTerms, "условия и риски варианта",
            "пожар, залив, кража; без землетрясения", true), // not UI text: an example value, as a document shows it
    ];

    private static readonly Dictionary<string, Placeholder> ByName = All.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The placeholder a template names (letter case and spaces around the name do not matter), or null.</summary>
    public static Placeholder? Find(string name) => ByName.GetValueOrDefault(name.Trim());

    /// <summary>How a template writes the placeholder: <c>{{Клиент.ИНН}}</c>.</summary>
    public static string Token(string name) => Open + name + Close;
}

/// <summary>
/// What a generated proposal says: the value of each placeholder (by <see cref="Placeholder.Name"/>), and one set of option
/// values per option, in order.
/// </summary>
public sealed record ProposalContent(IReadOnlyDictionary<string, string> Fields, IReadOnlyList<IReadOnlyDictionary<string, string>> Options)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>As a version keeps it (readable Cyrillic), to make its files again.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    public static ProposalContent FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<ProposalContent>(json, Json) ?? throw new InvalidOperationException("A proposal without its values");

    /// <summary>The value of a placeholder for the whole document ("" when it has none).</summary>
    public string Field(string name) => Fields.TryGetValue(name, out var value) ? value : Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
}
