using SalesCrm.Domain.Common;
using SalesCrm.Domain.Leads;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>How a website form's fields, named as each site likes, become a lead.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class FormFieldRules
{
    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    [Fact]
    public void TheUsualNamesInRussianAndEnglishAreUnderstood()
    {
        var lead = FormFields.Read([F("Имя", "Анна"), F("Телефон", "+7 999 111-22-33"), F("E-mail", "a@b.ru"), F("Компания", "ООО «А»"),
            F("ИНН", "7707083893"), F("Город", "Казань"), F("Message", "Нужен ДМС")], null, "Лендинг", "https://site.ru/dms");
        Assert.Equal(("Анна", "+7 999 111-22-33", "a@b.ru", "ООО «А»", "7707083893", "Казань", "Нужен ДМС"),
            (lead.ContactName, lead.Phone, lead.Email, lead.Company, lead.Inn, lead.Region, lead.Comment));
        Assert.Equal("Лендинг", lead.Tags["form"]);
        Assert.Equal("https://site.ru/dms", lead.Tags["page"]);
    }

    [Fact]
    public void TheFormsMappingComesFirstAndTagsAndIgnoredFieldsAreHonoured()
    {
        var mapping = FormFields.CheckMapping(new Dictionary<string, string> { ["name"] = "company", ["f1"] = "phone", ["ref"] = "tag:partner", ["gdpr"] = "ignore" });
        var lead = FormFields.Read([F("name", "ООО «Б»"), F("f1", "89991112233"), F("ref", "Агент 7"), F("gdpr", "on"), F("UTM_Source", "vk"),
            F("tranid", "1:2"), F("Размер флота", "40 машин")], mapping, null, null);
        Assert.Equal("ООО «Б»", lead.Company);
        Assert.Null(lead.ContactName);
        Assert.Equal("89991112233", lead.Phone);
        Assert.Equal("Агент 7", lead.Tags["partner"]);
        Assert.Equal("vk", lead.Tags["utm_source"]);
        // Nothing the visitor typed is lost; the transport's and the ignored fields are not shown.
        Assert.Equal("Размер флота: 40 машин", lead.Comment);
    }

    [Fact]
    public void AMappingToSomethingTheCrmDoesNotHaveIsRefused()
    {
        Assert.Equal("Mapping", Assert.Throws<DomainException>(() => FormFields.CheckMapping(new Dictionary<string, string> { ["x"] = "salary" })).Field);
        Assert.Throws<DomainException>(() => FormFields.CheckMapping(new Dictionary<string, string> { [" "] = "phone" }));
        Assert.Throws<DomainException>(() => FormFields.CheckMapping(new Dictionary<string, string> { ["x"] = "tag:" }));
        Assert.Throws<DomainException>(() => FormFields.CheckMapping(Enumerable.Range(0, 31).ToDictionary(i => "f" + i, _ => "comment")));
    }

    [Fact]
    public void TildasUtmCookieIsRead()
    {
        var tags = FormFields.TildaUtm("_ym_uid=1; TILDAUTM=utm_source%3Dyandex%7C%7C%7Cutm_medium%3Dcpc%7C%7C%7Cutm_term%3D%D0%BA%D0%B0%D1%81%D0%BA%D0%BE; x=y").ToList();
        Assert.Equal([new("utm_source", "yandex"), new("utm_medium", "cpc"), new KeyValuePair<string, string>("utm_term", "каско")], tags);
        Assert.Empty(FormFields.TildaUtm(null));
        Assert.Empty(FormFields.TildaUtm("TILDAUTM=garbage"));
    }
}
