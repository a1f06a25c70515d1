using SalesCrm.Domain.Imports;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>The rows of a CRM's export read into what SalesCrm keeps, or refused with every reason.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class CrmExportRows
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    [Theory]
    [InlineData("1 250 000,00", 125_000_000L)]
    [InlineData("1250000.00", 125_000_000L)]
    [InlineData("1\u00a0250\u00a0000 ₽", 125_000_000L)]
    [InlineData("1,250,000.50", 125_000_050L)]
    [InlineData("1250000|RUB", 125_000_000L)]
    [InlineData("99,9", 9_990L)]
    [InlineData("0", 0L)]
    [InlineData("15 000 руб.", 1_500_000L)]
    public void MoneyIsReadInKopecks(string text, long kopecks) => Assert.Equal(kopecks, ImportRows.ParseMoney(text));

    [Theory]
    [InlineData("много")]
    [InlineData("12 USD")]
    [InlineData("")]
    public void WhatIsNotMoneyIsNotRead(string text) => Assert.Null(ImportRows.ParseMoney(text));

    [Fact]
    public void DatesAreReadInTheCrmsZoneAndKeptInUtc()
    {
        Assert.Equal(new DateTime(2026, 12, 7, 11, 5, 0, DateTimeKind.Utc), ImportRows.ParseDate("07.12.2026 14:05:00", Moscow));
        Assert.Equal(new DateTime(2026, 12, 31, 21, 0, 0, DateTimeKind.Utc), ImportRows.ParseDate("01.01.2027", Moscow));
        Assert.Equal(new DateTime(2026, 2, 28, 21, 0, 0, DateTimeKind.Utc), ImportRows.ParseDate("2026-03-01", Moscow));
        Assert.Null(ImportRows.ParseDate("31.02.2026", Moscow));
        Assert.Null(ImportRows.ParseDate("вчера", Moscow));
    }

    [Fact]
    public void ADealRowIsReadWithItsPhonesAndAmountAndABadRowGivesEveryReason()
    {
        var (export, _) = CrmExports.Recognize(["ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Этап сделки", "Воронка",
            "Полное имя контакта", "Компания", "Рабочий телефон (контакт)", "Рабочий email (контакт)", "Примечание", "Примечание"]);
        var (row, refusals) = ImportRows.Read(export!, 2, ["1043", "ДМС для «Альфа»", "2 400 000", "Ольга Смирнова", "03.11.2026 09:30:00", "Переговоры",
            "Корпоративные продажи", "Иван Петров", "ООО «Альфа»", "+7 495 111-22-33, +7 916 222-33-44", "Ivan@Alfa.ru", "Звонил", "Ждёт КП"], Moscow);
        Assert.Empty(refusals);
        Assert.Equal(("1043", "ДМС для «Альфа»", 240_000_000L), (row!.ExternalId, row.Title, row.AmountKopecks!.Value));
        Assert.Equal(["+7 495 111-22-33", "+7 916 222-33-44"], row.Phones);
        Assert.Equal(["ivan@alfa.ru"], row.Emails);
        Assert.Equal(("Переговоры", "Корпоративные продажи", "ООО «Альфа»"), (row.Stage, row.Pipeline, row.Company));
        Assert.Equal("Звонил\nЖдёт КП", row.Comment);
        Assert.Equal(new DateTime(2026, 11, 3, 6, 30, 0, DateTimeKind.Utc), row.CreatedAt);

        var (bad, reasons) = ImportRows.Read(export!, 3, ["1044", "", "много", "", "вчера", "", "", "", "", "", "not-an-email@", "", ""], Moscow);
        Assert.Null(bad);
        Assert.Equal(4, reasons.Count);
        Assert.Contains(reasons, r => r.ToString().Contains("Нет названия сделки"));
        Assert.Contains(reasons, r => r.ToString().Contains("«много»"));
        Assert.Contains(reasons, r => r.ToString().Contains("«вчера»"));
        Assert.Contains(reasons, r => r.ToString().Contains("not-an-email@"));
    }

    [Fact]
    public void AmoCrmsPeopleFileTellsContactsFromCompanies()
    {
        var (export, _) = CrmExports.Recognize(["Тип", "ID", "Наименование", "Полное имя", "Имя", "Фамилия", "Компания", "Рабочий телефон", "Рабочий email", "ИНН"]);
        var (company, _) = ImportRows.Read(export!, 2, ["компания", "77", "ООО «Бета»", "", "", "", "", "+7 495 000-00-01", "", "7707083893"], Moscow);
        Assert.True(company!.IsCompany);
        Assert.Equal(("ООО «Бета»", "7707083893"), (company.CompanyName, company.Inn));
        var (contact, _) = ImportRows.Read(export!, 3, ["контакт", "78", "", "", "Анна", "Соколова", "ООО «Бета»", "", "anna@beta.ru", ""], Moscow);
        Assert.False(contact!.IsCompany);
        Assert.Equal(("Соколова Анна", "ООО «Бета»"), (contact.ContactName, contact.Company));
        var (_, badInn) = ImportRows.Read(export!, 4, ["компания", "79", "ООО «Гамма»", "", "", "", "", "", "", "1234567890"], Moscow);
        Assert.Single(badInn);
    }
}
