using System.Text;
using SalesCrm.Domain.Imports;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Web;

/// <summary>The files Bitrix24 and amoCRM export, read as tables and recognised: their encodings, delimiters, quoting and the HTML "Excel" export.</summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class CrmExportFiles
{
    static CrmExportFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Bitrix24sCsvInWindows1251WithQuotesAndATrailingDelimiterIsRead()
    {
        var csv = "\"ID\";\"Название сделки\";\"Стадия сделки\";\"Сумма\";\"Компания\";\"Ответственный\";\r\n"
                  + "\"17\";\"КАСКО для «Техно», 12 машин\";\"Подготовка документов\";\"1250000.00\";\"ООО \"\"Техно\"\"\";\"Иван Петров\";\r\n";
        var (rows, error) = TableFileReader.Read("DEAL_20261207.csv", new MemoryStream(Encoding.GetEncoding(1251).GetBytes(csv)));
        Assert.Null(error);
        Assert.Equal(2, rows.Count);
        Assert.Equal("КАСКО для «Техно», 12 машин", rows[1].Cells[1]);
        Assert.Equal("ООО \"Техно\"", rows[1].Cells[4]);
        var (export, _) = CrmExports.Recognize(rows[0].Cells);
        Assert.Equal((ExportSource.Bitrix24, ExportKind.Deals), (export!.Source, export.Kind));
    }

    [Fact]
    public void Bitrix24sExcelExportIsAnHtmlTableAndIsReadAsOne()
    {
        var html = """
            <html><head><meta http-equiv="Content-type" content="text/html;charset=UTF-8" /></head><body>
            <table border="1"><tr><th>ID</th><th>Обращение</th><th>Имя</th><th>Фамилия</th><th>Рабочий телефон</th><th>Рабочий e-mail</th></tr>
            <tr><td>5</td><td>г-жа</td><td>Анна&nbsp;Мария</td><td>Соколова</td><td>+7 (495) 111-22-33<br>+7 (916) 000-11-22</td><td>anna@client.ru</td></tr>
            </table></body></html>
            """;
        var (rows, error) = TableFileReader.Read("CONTACT_20261207.xls", new MemoryStream(Encoding.UTF8.GetBytes(html)));
        Assert.Null(error);
        Assert.Equal("Анна Мария", rows[1].Cells[2]);
        Assert.Equal(["+7 (495) 111-22-33", "+7 (916) 000-11-22"], CrmExports.Phones(rows[1].Cells[4]));
        Assert.Equal(ExportKind.Contacts, CrmExports.Recognize(rows[0].Cells).Export!.Kind);

        var binary = new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0 };
        Assert.Contains("старом формате Excel", TableFileReader.Read("old.xls", new MemoryStream(binary)).Error);
    }

    [Fact]
    public void AmoCrmsXlsxExportKeepsTheTimeOfItsDatesAndItsBudgetAsANumber()
    {
        using var book = new ClosedXML.Excel.XLWorkbook();
        var sheet = book.AddWorksheet("Сделки");
        string[] headers = ["ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания", "Этап сделки", "Воронка"];
        for (var i = 0; i < headers.Length; i++) sheet.Cell(1, i + 1).Value = headers[i];
        sheet.Cell(2, 1).Value = 7001;
        sheet.Cell(2, 2).Value = "ОСАГО";
        sheet.Cell(2, 3).Value = 1500000;
        sheet.Cell(2, 4).Value = "Иван Петров";
        sheet.Cell(2, 5).Value = new DateTime(2026, 11, 20, 9, 15, 0);
        sheet.Cell(2, 6).Value = "Переговоры";
        sheet.Cell(2, 7).Value = "Воронка";
        using var file = new MemoryStream();
        book.SaveAs(file);
        file.Position = 0;

        var (rows, error) = TableFileReader.Read("amocrm_export_leads_2026-12-07.xlsx", file);

        Assert.Null(error);
        var (export, _) = CrmExports.Recognize(rows[0].Cells);
        Assert.Equal((ExportSource.AmoCrm, ExportKind.Deals), (export!.Source, export.Kind));
        var (row, refusals) = ImportRows.Read(export, rows[1].Line, rows[1].Cells, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));
        Assert.Empty(refusals);
        Assert.Equal((1_500_000_00L, new DateTime(2026, 11, 20, 6, 15, 0, DateTimeKind.Utc)), (row!.AmountKopecks!.Value, row.CreatedAt!.Value));
    }
}
