using Microsoft.Playwright;
using SalesCrm.Domain.Deals;
using SalesCrm.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SalesCrm.Tests.EndToEnd;

/// <summary>
/// The manager attaches the proposal's PDF on the deal card, downloads it (the same bytes, under its Cyrillic name) and
/// deletes it after the confirmation; the download is an attachment with nosniff; a program is refused with a message in Russian and is not listed.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait(TestKind.Key, TestKind.Browser)]
public sealed class FilesInBrowser(RunningApp app)
{
    [Fact]
    public async Task TheManagerAttachesDownloadsAndDeletesAProposal()
    {
        var dealId = await app.DealAtAsync("m4@demo.salescrm", StageCode.ProposalSent);
        var name = $"КП {Guid.NewGuid():N}.pdf";
        byte[] pdf = [.. "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"u8];

        var page = await app.SignedInPageAsync("m4@demo.salescrm", 1920, 1080);
        await RunningApp.GotoInteractiveAsync(page, $"/deals/{dealId}");
        var panel = page.GetByTestId("files-panel");
        // The upload control puts a fresh input in after each choice: the last one is the live one.
        var input = panel.Locator("input[type=file]").Last;

        await input.SetInputFilesAsync(new FilePayload { Name = name, MimeType = "application/pdf", Buffer = pdf });
        var row = panel.GetByTestId("file-row").Filter(new LocatorFilterOptions { HasText = name });
        await Expect(row).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByTestId("file-download").ClickAsync());
        Assert.Equal(name, download.SuggestedFilename);
        var saved = await download.PathAsync();
        Assert.Equal(pdf, await File.ReadAllBytesAsync(saved));
        // As an attachment, never rendered in the app's origin; the Cyrillic name in RFC 5987 form.
        var response = await page.Context.APIRequest.GetAsync($"/files/{await row.GetAttributeAsync("data-file-id")}");
        Assert.Equal(200, response.Status);
        Assert.Equal("nosniff", response.Headers["x-content-type-options"]);
        Assert.StartsWith("attachment;", response.Headers["content-disposition"]);
        Assert.Contains("filename*=UTF-8''", response.Headers["content-disposition"]);
        Assert.Equal("application/pdf", response.Headers["content-type"]);

        await input.SetInputFilesAsync(new FilePayload { Name = "setup.exe", MimeType = "application/octet-stream", Buffer = [0x4D, 0x5A, 0x90, 0x00] });
        await Expect(panel.GetByTestId("file-error")).ToContainTextAsync("не принят");
        await Expect(panel.GetByTestId("file-row").Filter(new LocatorFilterOptions { HasText = "setup.exe" })).ToHaveCountAsync(0);

        await row.GetByTestId("file-delete").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Удалить" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
