using System.Text;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Leads;
using SalesCrm.Domain.Common;
using SalesCrm.Tests.Support;
using SalesCrm.Web.Services;

namespace SalesCrm.Tests.Data;

/// <summary>Import of leads from .xlsx/.csv: a file with one bad row is refused whole with a report; a good file goes in once.</summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class LeadImport : IAsyncLifetime
{
    private static int _seq = Random.Shared.Next(1_000_000, 9_000_000);

    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() => H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync());

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    private static string NewInn() =>
        Inn.Complete("50" + Interlocked.Increment(ref _seq).ToString("D7", System.Globalization.CultureInfo.InvariantCulture));

    private static LeadFile Csv(string text, Encoding? encoding = null) =>
        LeadFileReader.Read("leads.csv", new MemoryStream((encoding ?? Encoding.UTF8).GetBytes(text)));

    [Fact]
    public async Task AFileWithBadRowsIsRefusedWholeWithARowByRowReport()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var good = NewInn();
        var file = Csv($"""
            Компания;ИНН;Телефон;E-mail;Регион;utm_source
            ООО «Хорошая»;{good};+7 495 100-20-30;;Москва;yandex
            ООО «Плохой ИНН»;7707083890;;;Москва;
            ООО «Без контактов»;;;;Москва;
            ООО «Плохая почта»;;;no-at-sign;Москва;
            """);
        Assert.Null(file.Error);
        Assert.Equal([2, 3, 4, 5], file.Rows.Select(r => r.Line));

        var before = await H.QueryAsync(db => db.Leads.CountAsync());
        var report = await H.Get<LeadImportService>().ImportAsync(file.Rows);

        Assert.False(report.Imported);
        Assert.Equal(0, report.Created);
        Assert.Contains(report.Errors, e => e.Line == 3 && e.Field == "inn");
        Assert.Contains(report.Errors, e => e.Line == 4 && e.Field == "phone");
        Assert.Contains(report.Errors, e => e.Line == 5 && e.Field == "email");
        Assert.DoesNotContain(report.Errors, e => e.Line == 2);
        Assert.Equal(before, await H.QueryAsync(db => db.Leads.CountAsync()));
        Assert.Equal(0, await H.QueryAsync(db => db.Leads.CountAsync(l => l.Inn == good)));
    }

    [Fact]
    public async Task AGoodFileGoesInOnceWithDuplicatesCountedAndTagsKept()
    {
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var a = NewInn();
        var b = NewInn();
        var file = Csv($"""
            company,inn,phone,region,utm_campaign
            ООО Альфа,{a},,Москва,winter
            ООО Бета,{b},+7 916 555-44-33,Московская область,
            Альфа (повтор),{a},,Москва,
            """);
        var report = await H.Get<LeadImportService>().ImportAsync(file.Rows);
        Assert.True(report.Imported, string.Join("; ", report.Errors.Select(e => $"{e.Line} {e.Field} {e.Message}")));
        Assert.Equal(2, report.Created);
        Assert.Equal(1, report.Existing);
        var alpha = await H.QueryAsync(db => db.Leads.AsNoTracking().SingleAsync(l => l.Inn == a));
        Assert.Equal("winter", alpha.SourceTags["utm_campaign"]);
        Assert.NotNull(alpha.AssigneeId); // team 1 assigns on arrival

        var again = await H.Get<LeadImportService>().ImportAsync(file.Rows);
        Assert.Equal(0, again.Created);
        Assert.Equal(1, await H.QueryAsync(db => db.Leads.CountAsync(l => l.Inn == b)));
    }

    [Fact]
    public async Task AManagerCannotImport()
    {
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var file = Csv($"ИНН\n{NewInn()}\n");
        await Assert.ThrowsAsync<AccessDeniedException>(() => H.Get<LeadImportService>().ImportAsync(file.Rows));
    }

    [Fact]
    public void TheReaderUnderstandsXlsxWindows1251AndSaysWhatIsWrongWithAFile()
    {
        using (var book = new XLWorkbook())
        {
            var sheet = book.AddWorksheet("Лиды");
            sheet.Cell(1, 1).Value = "Организация";
            sheet.Cell(1, 2).Value = "ИНН";
            sheet.Cell(1, 3).Value = "Менеджер по ошибке";
            sheet.Cell(2, 1).Value = "ООО «Из Excel»";
            sheet.Cell(2, 2).Value = "7707083893";
            sheet.Cell(4, 1).Value = "ООО «Через пустую строку»";
            sheet.Cell(4, 2).Value = "7707083893";
            using var stream = new MemoryStream();
            book.SaveAs(stream);
            stream.Position = 0;
            var xlsx = LeadFileReader.Read("Лиды.xlsx", stream);
            Assert.Null(xlsx.Error);
            Assert.Equal([2, 4], xlsx.Rows.Select(r => r.Line));
            Assert.Equal("ООО «Из Excel»", xlsx.Rows[0].Submission.Company);
            Assert.Equal(["Менеджер по ошибке"], xlsx.IgnoredColumns);
        }

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1251 = Csv("Компания;Телефон\nООО «Кириллица»;+7 495 1112233\n", Encoding.GetEncoding(1251));
        Assert.Equal("ООО «Кириллица»", cp1251.Rows.Single().Submission.Company);

        Assert.NotNull(Csv("Компания;Менеджер\nООО;Иванов\n").Error); // no INN, phone or e-mail column
        Assert.NotNull(LeadFileReader.Read("leads.pdf", new MemoryStream([1, 2, 3])).Error);
        Assert.NotNull(LeadFileReader.Read("broken.xlsx", new MemoryStream(Encoding.UTF8.GetBytes("not a zip"))).Error);
    }
}
