using SalesCrm.Domain.Imports;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>Which CRM's export a file is, and of what, from its header row as Bitrix24 and amoCRM write it.</summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class CrmExportRecognition
{
    [Fact]
    public void Bitrix24sListsAreToldApartAndTheirColumnsFound()
    {
        var (deals, error) = CrmExports.Recognize(["ID", "Название сделки", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Ответственный", "Дата создания",
            "Предполагаемая дата закрытия", "Компания", "Контакт", "Источник", "Комментарий", ""]);
        Assert.Null(error);
        Assert.Equal((ExportSource.Bitrix24, ExportKind.Deals), (deals!.Source, deals.Kind));
        Assert.Equal(1, deals.First(ExportField.Title));
        Assert.Equal(2, deals.First(ExportField.Stage));
        Assert.Equal(4, deals.First(ExportField.Amount));
        Assert.Equal(9, deals.First(ExportField.Company));

        var (contacts, _) = CrmExports.Recognize(["ID", "Обращение", "Имя", "Отчество", "Фамилия", "Должность", "Компания", "Рабочий телефон",
            "Мобильный телефон", "Номер факса", "Рабочий e-mail", "Частный e-mail", "Ответственный"]);
        Assert.Equal((ExportSource.Bitrix24, ExportKind.Contacts), (contacts!.Source, contacts.Kind));
        Assert.Equal([7, 8], contacts.All(ExportField.Phone)); // the fax is not a phone to call
        Assert.Equal([10, 11], contacts.All(ExportField.Email));

        var (companies, _) = CrmExports.Recognize(["ID", "Название компании", "Тип компании", "Сфера деятельности", "Рабочий телефон", "Рабочий e-mail", "ИНН"]);
        Assert.Equal(ExportKind.Companies, companies!.Kind);
        Assert.Equal(1, companies.First(ExportField.CompanyName));
        Assert.Equal(6, companies.First(ExportField.Inn));

        var (leads, _) = CrmExports.Recognize(["ID", "Название лида", "Статус", "Имя", "Фамилия", "Название компании", "Рабочий телефон", "Источник"]);
        Assert.Equal(ExportKind.Leads, leads!.Kind);
    }

    [Fact]
    public void AmoCrmsExportsAreRecognisedEvenWithPaddedOrRepeatedTitles()
    {
        var (deals, _) = CrmExports.Recognize(["ID", " Название сделки ", "Бюджет", "Ответственный", "Дата создания", "Этап  сделки", "Воронка", "Теги",
            "Полное имя контакта", "Компания", "Рабочий телефон (контакт)", "Мобильный телефон (контакт)", "Рабочий email (контакт)", "Примечание", "Примечание"]);
        Assert.Equal((ExportSource.AmoCrm, ExportKind.Deals), (deals!.Source, deals.Kind));
        Assert.Equal(5, deals.First(ExportField.Stage));
        Assert.Equal([10, 11], deals.All(ExportField.Phone));
        Assert.Equal([13, 14], deals.All(ExportField.Comment));

        var (people, _) = CrmExports.Recognize(["Тип", "ID", "Наименование", "Полное имя", "Имя", "Фамилия", "Компания", "Рабочий телефон", "Рабочий email", "Ответственный"]);
        Assert.Equal((ExportSource.AmoCrm, ExportKind.ContactsAndCompanies), (people!.Source, people.Kind));
    }

    [Fact]
    public void AnythingElseIsRefusedWithTheReason()
    {
        Assert.Equal(CrmExports.NotAnExport, CrmExports.Recognize(["Компания", "ИНН", "Телефон"]).Error);
        Assert.Equal("В файле нет строки заголовков.", CrmExports.Recognize(["", " "]).Error);
    }

    [Fact]
    public void SeveralPhonesOrEmailsInOneCellAreSplit()
    {
        Assert.Equal(["+7 (495) 123-45-67", "8 916 111 22 33"], CrmExports.Phones("+7 (495) 123-45-67, 8 916 111 22 33"));
        Assert.Equal(["a@b.ru", "c@d.ru"], CrmExports.Emails("a@b.ru; c@d.ru"));
        Assert.Empty(CrmExports.Phones("доб. 12"));
    }

    [Fact]
    public void Bitrix24sListColumnsAreRecognisedToo()
    {
        // The list's own column titles (crm.contact.list, crm.company.list, crm.deal.list), as its grid export writes them.
        var (contacts, _) = CrmExports.Recognize(["ID", "Имя", "Фамилия", "Отчество", "Тип контакта", "Должность", "Телефон", "E-mail", "Компания", "Задан e-mail"]);
        Assert.Equal((ExportSource.Bitrix24, ExportKind.Contacts), (contacts!.Source, contacts.Kind));
        Assert.Equal([6], contacts.All(ExportField.Phone));
        var (companies, _) = CrmExports.Recognize(["ID", "Название компании", "Сфера деятельности", "Телефон", "E-mail", "Фактический адрес", "Ответственный"]);
        Assert.Equal(ExportKind.Companies, companies!.Kind);
        var (deals, _) = CrmExports.Recognize(["ID", "Название сделки", "Стадия сделки", "Направление", "Сумма/Валюта", "Компания", "Контакт"]);
        Assert.Equal((ExportKind.Deals, 4, 3), (deals!.Kind, deals.First(ExportField.Amount), deals.First(ExportField.Pipeline)));
    }
}
