using System.Globalization;
using System.Text;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Leads;

/// <summary>What a website form's fields say of a lead, in the CRM's terms (the lead API's field names).</summary>
public sealed record FormLead(string? Company, string? Inn, string? ContactName, string? Phone, string? Email, string? Product, string? Region,
    string? Industry, string? Comment, Dictionary<string, string> Tags);

/// <summary>
/// Reads a website form's fields as a lead. A site names its fields as it likes: a form's own mapping (site field → CRM field,
/// set in the administration) comes first, then the usual names in Russian and English (Name, Phone, Email, «Телефон», …).
/// UTM tags and the form's name become source tags; fields nobody maps are kept in the comment, so nothing the visitor typed is
/// lost. A field mapped to <c>tag:&lt;name&gt;</c> becomes that source tag; one mapped to <c>ignore</c> is dropped.
/// </summary>
public static class FormFields
{
    /// <summary>The CRM fields a site field can be mapped to.</summary>
    public static readonly IReadOnlyList<string> Targets = ["company", "inn", "contactName", "phone", "email", "product", "region", "industry", "comment"];

    public const string Ignore = "ignore";
    public const string TagPrefix = "tag:";

    private static readonly Dictionary<string, string> Usual = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "contactName", ["fio"] = "contactName", ["имя"] = "contactName", ["фио"] = "contactName", ["contact"] = "contactName", // not UI text: field names sites use
        ["contactname"] = "contactName", ["контактное лицо"] = "contactName", ["your-name"] = "contactName", // not UI text: field names sites use
        ["phone"] = "phone", ["tel"] = "phone", ["telephone"] = "phone", ["телефон"] = "phone", ["mobile"] = "phone", ["your-phone"] = "phone", // not UI text: field names sites use
        ["email"] = "email", ["e-mail"] = "email", ["mail"] = "email", ["почта"] = "email", ["your-email"] = "email", // not UI text: field names sites use
        ["company"] = "company", ["компания"] = "company", ["organization"] = "company", ["organisation"] = "company", ["организация"] = "company", // not UI text: field names sites use
        ["inn"] = "inn", ["инн"] = "inn", // not UI text: field names sites use
        ["comment"] = "comment", ["comments"] = "comment", ["message"] = "comment", ["сообщение"] = "comment", ["комментарий"] = "comment", // not UI text: field names sites use
        ["вопрос"] = "comment", ["textarea"] = "comment", ["your-message"] = "comment", // not UI text: field names sites use
        ["product"] = "product", ["продукт"] = "product", // not UI text: field names sites use
        ["region"] = "region", ["регион"] = "region", ["city"] = "region", ["город"] = "region", // not UI text: field names sites use
        ["industry"] = "industry", ["отрасль"] = "industry", // not UI text: field names sites use
    };

    /// <summary>Fields that are the transport's, not the visitor's: never shown in the comment.</summary>
    private static readonly HashSet<string> Technical = new(StringComparer.OrdinalIgnoreCase)
    {
        "tranid", "formid", "formname", "cookies", "api_key", "x-api-key", "key", "test", "page", "referer", "referrer", "website_hp",
    };

    private const int CommentLimit = 4000;

    /// <summary>Checks a form's mapping: at most 30 site fields, each named, each mapped to a CRM field, a tag, or ignored.</summary>
    public static Dictionary<string, string> CheckMapping(IReadOnlyDictionary<string, string> mapping)
    {
        if (mapping.Count > 30) throw new DomainException("Не больше 30 полей в сопоставлении.", "Mapping");
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, target) in mapping)
        {
            var name = field.Trim();
            var to = target.Trim();
            if (name.Length is 0 or > 100) throw new DomainException("Имя поля формы — от 1 до 100 символов.", "Mapping");
            var valid = Targets.Contains(to) || to == Ignore || (to.StartsWith(TagPrefix, StringComparison.Ordinal) && to.Length is > 4 and <= 104);
            if (!valid) throw new DomainException(new UserText("Поле «{0}»: неизвестное поле CRM «{1}».", name, to), "Mapping");
            if (!result.TryAdd(name, to)) throw new DomainException(new UserText("Поле «{0}» сопоставлено дважды.", name), "Mapping");
        }
        return result;
    }

    /// <summary>The lead the fields describe; <paramref name="form"/> (the form's name) and the page become source tags.</summary>
    public static FormLead Read(IEnumerable<KeyValuePair<string, string>> fields, IReadOnlyDictionary<string, string>? mapping, string? form, string? page)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new StringBuilder();
        foreach (var (rawName, rawValue) in fields)
        {
            var name = rawName.Trim();
            var value = rawValue.Trim();
            if (name.Length == 0 || value.Length == 0) continue;
            var target = mapping?.GetValueOrDefault(name) ?? Usual.GetValueOrDefault(name);
            if (target is null && name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)) target = TagPrefix + name.ToLowerInvariant();
            if (target is null && Technical.Contains(name)) continue;
            switch (target)
            {
                case Ignore:
                    break;
                case { } tag when tag.StartsWith(TagPrefix, StringComparison.Ordinal):
                    if (tags.Count < 20) tags[tag[TagPrefix.Length..]] = Clip(value, 500);
                    break;
                case { } crm when !values.ContainsKey(crm):
                    values[crm] = value;
                    break;
                default:
                    rest.Append(CultureInfo.InvariantCulture, $"{Clip(name, 100)}: {Clip(value, 1000)}\n");
                    break;
            }
        }
        if (!string.IsNullOrWhiteSpace(form)) tags.TryAdd("form", Clip(form.Trim(), 500));
        if (!string.IsNullOrWhiteSpace(page)) tags.TryAdd("page", Clip(page.Trim(), 500));
        var comment = values.GetValueOrDefault("comment");
        if (rest.Length > 0) comment = (comment is null ? "" : comment + "\n\n") + rest.ToString().TrimEnd();
        return new FormLead(values.GetValueOrDefault("company"), values.GetValueOrDefault("inn"), values.GetValueOrDefault("contactName"),
            values.GetValueOrDefault("phone"), values.GetValueOrDefault("email"), values.GetValueOrDefault("product"), values.GetValueOrDefault("region"),
            values.GetValueOrDefault("industry"), comment is null ? null : Clip(comment, CommentLimit), tags);
    }

    /// <summary>
    /// Tilda's UTM cookie (<c>TILDAUTM</c> in the <c>COOKIES</c> field, when the site sends cookies): <c>utm_source=…|||utm_medium=…</c>,
    /// URL-encoded.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> TildaUtm(string? cookies)
    {
        if (string.IsNullOrWhiteSpace(cookies)) yield break;
        foreach (var cookie in cookies.Split(';'))
        {
            var eq = cookie.IndexOf('=');
            if (eq <= 0 || !cookie[..eq].Trim().Equals("TILDAUTM", StringComparison.OrdinalIgnoreCase)) continue;
            var decoded = Uri.UnescapeDataString(cookie[(eq + 1)..].Trim().Replace('+', ' '));
            foreach (var pair in decoded.Split("|||", StringSplitOptions.RemoveEmptyEntries))
            {
                var at = pair.IndexOf('=');
                if (at > 0 && pair[..at].StartsWith("utm_", StringComparison.OrdinalIgnoreCase))
                    yield return new(pair[..at].Trim().ToLowerInvariant(), pair[(at + 1)..].Trim());
            }
        }
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
