using System.IO.Compression;
using System.Text;
using Bunit;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Components.Pages.Clients.Dialogs;
using SalesCrm.Web.Components.Pages.Leads.Dialogs;

namespace SalesCrm.Tests.Web;

/// <summary>
/// The bad-input catalogue of the imports, through the two import dialogs as a team lead uses them (the file picked in the
/// browser goes through the same upload, reader and service): empty, disguised, damaged, oversized and zip-bomb files, CSV
/// with a broken quote, a picture renamed .csv, missing columns, cells of the wrong type or length, too many rows. Each
/// file is answered in the dialog in Russian — before the import (the file) or after it (row by row) — and nothing of it
/// is written; a Windows-1251 CSV and a cell with HTML are not errors and go in as they are.
/// </summary>
[Trait(TestKind.Key, TestKind.Web)]
public sealed class BadInputInFiles : CrmComponentTest
{
    public sealed record Case(string Import, string Input, string FileName, Func<byte[]> File, string Message, bool RefusedOnImport = false);

    private const string Leads = "Импорт лидов", Risks = "Риски из СПАРК";

    static BadInputInFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Csv(string text, Encoding? encoding = null) => (encoding ?? Encoding.UTF8).GetBytes(text);

    private static byte[] Xlsx(params string[][] rows)
    {
        using var book = new XLWorkbook();
        var sheet = book.AddWorksheet("Лист1");
        for (var r = 0; r < rows.Length; r++)
            for (var c = 0; c < rows[r].Length; c++)
                sheet.Cell(r + 1, c + 1).Value = rows[r][c];
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>A zip whose one entry unpacks to <paramref name="megabytes"/> MB of zeros: a few hundred KB on disk.</summary>
    private static byte[] ZipBomb(int megabytes)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) entry.Write(zeros);
        }
        return stream.ToArray();
    }

    private static byte[] WordDocumentRenamed()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
                w.Write("""<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""");
            using (var w = new StreamWriter(zip.CreateEntry("word/document.xml").Open()))
                w.Write("<w:document/>");
        }
        return stream.ToArray();
    }

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00, 0x3B, 0x0A, 0xFF, 0xD8];

    private const string LeadHeader = "Компания;ИНН;Телефон;Регион\n";

    public static readonly IReadOnlyList<Case> Cases =
    [
        new(Leads, "пустой файл", "leads.csv", () => [], "Файл пуст"),
        new(Leads, "PDF", "leads.pdf", () => Csv("%PDF-1.7 ..."), "Поддерживаются файлы .xlsx, .csv и .xls"),
        new(Leads, "11 МБ", "leads.csv", () => new byte[11 * 1024 * 1024], "Файл больше 10 МБ"),
        new(Leads, "случайные байты под видом .xlsx", "leads.xlsx", () => Encoding.ASCII.GetBytes(new string('z', 5000)), "не читается как таблица"),
        new(Leads, "обрезанный .xlsx", "leads.xlsx", () => Xlsx(["Компания", "Телефон"], ["ООО «Ромашка»", "+7 495 111-22-33"])[..900], "не читается как таблица"),
        new(Leads, "документ Word под видом .xlsx", "leads.xlsx", WordDocumentRenamed, "не читается как таблица"),
        new(Leads, "zip-бомба под видом .xlsx", "leads.xlsx", () => ZipBomb(160), "после распаковки больше 150 МБ"),
        new(Leads, "незакрытая кавычка", "leads.csv", () => Csv(LeadHeader + "\"ООО «Ромашка»;7707083893;+7 495 111-22-33;Москва\n"), "не закрыта кавычка"),
        new(Leads, "картинка под видом .csv", "leads.csv", () => Png, "не найдены колонки «ИНН», «Телефон» или «E-mail»"),
        new(Leads, "без колонок ИНН, телефона и e-mail", "leads.csv", () => Csv("Компания;Регион\nООО «Ромашка»;Москва\n"), "не найдены колонки «ИНН», «Телефон» или «E-mail»"),
        new(Leads, "только заголовки", "leads.xlsx", () => Xlsx(["Компания", "ИНН", "Телефон"]), "нет строк с лидами"),
        new(Leads, "ИНН с неверной контрольной суммой в 3-й строке", "leads.csv", () => Csv(LeadHeader + "ООО «Альфа»;7707083893;+7 495 111-22-33;Москва\nООО «Бета»;7707083894;+7 495 111-22-34;Москва\n"),
            "ИНН", RefusedOnImport: true),
        new(Leads, "компания 301 символ", "leads.csv", () => Csv(LeadHeader + new string('К', 301) + ";;+7 495 111-22-35;Москва\n"), "длиннее 300", RefusedOnImport: true),
        new(Leads, "телефон буквами", "leads.xlsx", () => Xlsx(["Компания", "Телефон"], ["ООО «Гамма»", "звонить вечером"]), "елефон", RefusedOnImport: true),
        new(Leads, "10 001 строка", "leads.csv", () => Csv("Телефон\n" + string.Concat(Enumerable.Range(0, 10_001).Select(i => $"+7 916 {i:D7}\n"))), "не больше 10000", RefusedOnImport: true),

        new(Risks, "пустой файл", "spark.csv", () => [], "Файл пуст"),
        new(Risks, "случайные байты под видом .xlsx", "spark.xlsx", () => Png, "не читается как таблица"),
        new(Risks, "нет колонки ИНН", "spark.csv", () => Csv("Компания;ИДО;ИФР;ИПД\nООО;10;20;30\n"), "Не найдена колонка «ИНН»"),
        new(Risks, "нет колонки индекса", "spark.csv", () => Csv("ИНН;ИДО;ИФР\n7707083893;10;20\n"), "индекс платёжной дисциплины"),
        new(Risks, "только заголовки", "spark.csv", () => Csv("ИНН;ИДО;ИФР;ИПД\n"), "нет строк"),
        new(Risks, "индекс буквами", "spark.csv", () => Csv("ИНН;ИДО;ИФР;ИПД\n7707083893;высокий;20;30\n"), "индекс должной осмотрительности", RefusedOnImport: true),
        new(Risks, "индекс 150", "spark.csv", () => Csv("ИНН;ИДО;ИФР;ИПД\n7707083893;10;150;30\n"), "индекс финансового риска", RefusedOnImport: true),
        new(Risks, "индекс −5", "spark.csv", () => Csv("ИНН;ИДО;ИФР;ИПД\n7707083893;10;20;-5\n"), "индекс платёжной дисциплины", RefusedOnImport: true),
        new(Risks, "ИНН из 9 цифр", "spark.csv", () => Csv("ИНН;ИДО;ИФР;ИПД\n770708389;10;20;30\n"), "ИНН", RefusedOnImport: true),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => $"{c.Import} · {c.Input}")];

    private async Task<IRenderedComponent<Bunit.Rendering.ContainerFragment>> OpenAsync<TDialog>() where TDialog : IComponent
    {
        var providers = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
        });
        var dialogs = Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<TDialog>("import"));
        providers.WaitForElement("[data-testid=import-submit]");
        return providers;
    }

    private async Task<IRenderedComponent<Bunit.Rendering.ContainerFragment>> UploadAsync(string import, string fileName, byte[] content)
    {
        var dialog = import == Leads ? await OpenAsync<ImportDialog>() : await OpenAsync<RiskImportDialog>();
        dialog.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(content, fileName));
        return dialog;
    }

    private async Task<string> FingerprintAsync()
    {
        await using var db = H.Db();
        return await DatabaseFingerprint.TakeAsync(db);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task IsAnsweredInTheDialogInRussianAndNothingIsWritten(string name)
    {
        var c = Cases.Single(x => $"{x.Import} · {x.Input}" == name);
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var before = await FingerprintAsync();
        var dialog = await UploadAsync(c.Import, c.FileName, c.File());

        if (c.RefusedOnImport)
        {
            dialog.WaitForAssertion(() => Assert.Null(dialog.Find("[data-testid=import-submit]").GetAttribute("disabled")), TimeSpan.FromSeconds(30));
            await dialog.Find("[data-testid=import-submit]").ClickAsync(new());
            dialog.WaitForElement("[data-testid=import-refused]", TimeSpan.FromSeconds(30));
            Assert.Contains(c.Message, string.Join(" ", dialog.FindAll("[data-testid=import-error-row]").Select(r => r.TextContent)), StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            dialog.WaitForElement("[data-testid=import-error]", TimeSpan.FromSeconds(30));
            Assert.Contains(c.Message, dialog.Find("[data-testid=import-error]").TextContent, StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(dialog.Find("[data-testid=import-submit]").GetAttribute("disabled"));
        }
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task AWindows1251CsvAndHtmlInACellAreImportedAsTheyAre()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        const string html = "<img src=x onerror=alert(1)> ООО «Тег»";
        var file = Csv("Компания;Телефон;Комментарий\nООО «Щука и Ёрш»;+7 495 765-00-01;Страхование склада\n" +
                       $"{html};+7 495 765-00-02;<script>alert('xss')</script>\n", Encoding.GetEncoding(1251));
        var dialog = await UploadAsync(Leads, "лиды из 1С.csv", file);
        dialog.WaitForAssertion(() => Assert.Null(dialog.Find("[data-testid=import-submit]").GetAttribute("disabled")), TimeSpan.FromSeconds(30));
        await dialog.Find("[data-testid=import-submit]").ClickAsync(new());

        await AsyncAssert(async () =>
        {
            var leads = await H.QueryAsync(db => db.Leads.Where(l => l.Phone == "+7 495 765-00-01" || l.Phone == "+7 495 765-00-02")
                .OrderBy(l => l.Phone).Select(l => new { l.CompanyName, l.Comment }).ToListAsync());
            Assert.Equal(2, leads.Count);
            Assert.Equal(("ООО «Щука и Ёрш»", "Страхование склада"), (leads[0].CompanyName, leads[0].Comment));
            Assert.Equal((html, "<script>alert('xss')</script>"), (leads[1].CompanyName, leads[1].Comment));
        });
    }

    private static async Task AsyncAssert(Func<Task> assertion)
    {
        // Readiness: the import runs on the renderer's dispatcher; ask again until it has landed (no time is asserted).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 600)   // up to 30 s on a busy machine
            {
                await Task.Delay(50);
            }
        }
    }
}
