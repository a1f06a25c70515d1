using SalesCrm.Domain.Common;
using SalesCrm.Domain.Files;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Domain;

/// <summary>
/// What a file's name becomes before it is kept and offered on download, which extensions are taken, and the check of the
/// content's first bytes against the extension.
/// </summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class FileNamesAndKinds
{
    [Theory]
    [InlineData("КП Ромашка.pdf", "КП Ромашка.pdf")]
    [InlineData(@"C:\fakepath\Договор.PDF", "Договор.pdf")]
    [InlineData("../../etc/убытки.xlsx", "убытки.xlsx")]
    [InlineData("скан<1>:\"?*|.jpg", "скан_1______.jpg")]
    [InlineData("счёт\u202Efdp.exe.pdf", "счётfdp.exe.pdf")]
    [InlineData("при\u0000каз\u0007.docx", "приказ.docx")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData(".pdf", "file.pdf")]
    [InlineData("  отчёт  .csv", "отчёт.csv")]
    public void AnUploadedNameIsMadeSafe(string uploaded, string kept) => Assert.Equal(kept, FileRules.SafeName(uploaded));

    [Fact]
    public void ALongNameIsCutWithItsExtensionKept()
    {
        var kept = FileRules.SafeName(new string('я', 500) + ".xlsx");
        Assert.Equal(FileRules.MaxNameLength, kept.Length);
        Assert.EndsWith(".xlsx", kept);
    }

    [Theory]
    [InlineData("setup.exe")]
    [InlineData("page.html")]
    [InlineData("logo.svg")]
    [InlineData("run.js")]
    [InlineData("archive.zip")]
    [InlineData("invoice.pdf.exe")]
    [InlineData("no-extension")]
    public void AnythingButADocumentIsRefused(string name)
    {
        var refused = Assert.Throws<DomainException>(() => FileRules.SafeName(name));
        Assert.Contains("можно прикреплять только", refused.Message);
    }

    [Fact]
    public void TheContentMustBeginAsItsExtensionSays()
    {
        FileRules.CheckContent("КП.pdf", "%PDF-1.7"u8);
        FileRules.CheckContent("скан.PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        FileRules.CheckContent("убытки.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]);
        FileRules.CheckContent("убытки.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        FileRules.CheckContent("убытки.csv", "Год;Премия"u8);

        var renamed = Assert.Throws<DomainException>(() => FileRules.CheckContent("скан.pdf", [0x89, 0x50, 0x4E, 0x47]));
        Assert.Equal(new UserText("Файл «{0}» не похож на {1}: его содержимое другого формата.", "скан.pdf", "PDF"), renamed.Text);
        Assert.Throws<DomainException>(() => FileRules.CheckContent("договор.docx", [0xD0, 0xCF, 0x11, 0xE0]));
        // A program is refused whatever its name, even as text.
        Assert.Contains("программа", Assert.Throws<DomainException>(() => FileRules.CheckContent("readme.txt", "MZ\u0090\0"u8)).Message);
    }

    [Fact]
    public void AnEmptyOrTooLargeFileIsRefused()
    {
        Assert.Contains("пуст", Assert.Throws<DomainException>(() => FileRules.CheckSize("a.pdf", 0, 1024)).Message);
        Assert.Contains("больше 1 МБ", Assert.Throws<DomainException>(() => FileRules.CheckSize("a.pdf", 1024 * 1024 + 1, 1024 * 1024)).Message);
        FileRules.CheckSize("a.pdf", 1024 * 1024, 1024 * 1024);
    }
}
