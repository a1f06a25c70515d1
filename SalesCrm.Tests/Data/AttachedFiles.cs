using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using System.Globalization;
using SalesCrm.Data.Access;
using SalesCrm.Data.Files;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Files;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Data;

/// <summary>
/// Files on deals and clients through <see cref="FileService"/>, with the disk store (the default) and the database store:
/// attaching, listing, downloading and deleting follow the record's access, refused files leave nothing behind, the content
/// is kept under a generated name, and every step is in the audit trail.
/// </summary>
[Trait(TestKind.Key, TestKind.Data)]
public sealed class AttachedFiles : IAsyncLifetime
{
    private static readonly byte[] Proposal = [.. "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"u8];

    private readonly string _folder = Path.Combine(Paths.Scratch, "files-" + Guid.NewGuid().ToString("N"));

    private ServiceHarness H { get; set; } = default!;

    public async ValueTask InitializeAsync() =>
        H = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?>
        {
            ["Files:Path"] = _folder,
            ["Files:MaxMegabytes"] = "1",
        });

    public async ValueTask DisposeAsync() => await H.DisposeAsync();

    [Fact]
    public async Task TheManagersProposalIsListedAndDownloadedByTheTeamLeadButNotByAnotherTeam()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.ProposalSent);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<FileService>();

        var saved = await service.UploadAsync(CardSubject.Deal, deal.Id, @"C:\fakepath\КП «Ромашка».pdf", new MemoryStream(Proposal));
        Assert.Equal("КП «Ромашка».pdf", saved.Name);
        Assert.Equal("application/pdf", saved.ContentType);
        Assert.Equal(Proposal.Length, saved.Size);
        Assert.Contains(H.Events.Published, e => e is FileAttached { File.DealId: var d } && d == deal.Id);

        // Kept under a generated name with its hash; no file on disk is named by the user, nothing half-written remains.
        var record = await H.QueryAsync(db => db.AttachedFiles.SingleAsync(f => f.Id == saved.Id));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Proposal)).ToLowerInvariant(), record.Sha256);
        Assert.Equal([record.StorageKey], Directory.GetFiles(_folder).Select(Path.GetFileName));

        var lead = await H.User.SignInAsAsync("lead@demo.salescrm");
        var listed = await service.ListAsync(CardSubject.Deal, deal.Id);
        Assert.True(listed.CanAttach);
        Assert.Contains(listed.Files, f => f.Id == saved.Id && f.CanDelete && f.UploadedBy.Length > 1);
        Assert.Equal(Proposal, await ReadAsync(await service.OpenAsync(saved.Id)));

        await H.User.SignInAsAsync("m5@demo.salescrm");
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.ListAsync(CardSubject.Deal, deal.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.OpenAsync(saved.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "x.pdf", new MemoryStream(Proposal)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.DeleteAsync(saved.Id));

        var key = Key(saved.Id);
        var audit = await H.QueryAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(AttachedFile) && a.EntityId == key).ToListAsync());
        Assert.Contains(audit, a => a.Action == AuditAction.Created && a.NewValue!.Contains("КП «Ромашка».pdf"));
        Assert.Contains(audit, a => a.Action == AuditAction.Accessed && a.Field == "download" && a.ActorId == lead.ManagerId);
        var dealKey = Key(deal.Id);
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.EntityType == nameof(Deal)
            && a.EntityId == dealKey && a.NewValue == "download a file")));
    }

    [Fact]
    public async Task AProgramARenamedFileAnEmptyOrTooLargeOneIsRefusedAndLeavesNothing()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Qualification);
        await H.User.SignInAsAsync("m1@demo.salescrm");
        var service = H.Get<FileService>();

        var exe = await Assert.ThrowsAsync<DomainException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "setup.exe", new MemoryStream([0x4D, 0x5A, 0x90])));
        Assert.Contains("можно прикреплять только", exe.Message);
        var renamed = await Assert.ThrowsAsync<DomainException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "КП.pdf", new MemoryStream([0x4D, 0x5A, 0x90, 0x00])));
        Assert.Contains("программа", renamed.Message);
        var png = await Assert.ThrowsAsync<DomainException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "скан.pdf",
            new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])));
        Assert.Equal("Файл «скан.pdf» не похож на PDF: его содержимое другого формата.", png.Message);
        await Assert.ThrowsAsync<DomainException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "пусто.txt", new MemoryStream()));
        var large = new byte[1024 * 1024 + 1];
        Proposal.CopyTo(large, 0);
        var tooLarge = await Assert.ThrowsAsync<DomainException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "большой.pdf", new MemoryStream(large)));
        Assert.Contains("больше 1 МБ", tooLarge.Message);

        Assert.Empty(Directory.Exists(_folder) ? Directory.GetFiles(_folder) : []);
        Assert.Equal(0, await H.QueryAsync(db => db.AttachedFiles.CountAsync(f => f.DealId == deal.Id)));
        Assert.DoesNotContain(H.Events.Published, e => e is FileAttached);
    }

    [Fact]
    public async Task TheUploaderTheOwnerTheirTeamLeadOrTheHeadDeleteOthersAreRefused()
    {
        var deal = await H.DealAtAsync("m1@demo.salescrm", StageCode.Negotiation);
        var service = H.Get<FileService>();
        await H.User.SignInAsAsync("lead@demo.salescrm");
        var byLead = await service.UploadAsync(CardSubject.Deal, deal.Id, "совет.txt", new MemoryStream("Предложи франшизу"u8.ToArray()));

        // The administrator sees every deal but works none: neither attaches nor deletes.
        await H.User.SignInAsAsync("admin@demo.salescrm");
        var listed = await service.ListAsync(CardSubject.Deal, deal.Id);
        Assert.False(listed.CanAttach);
        Assert.All(listed.Files, f => Assert.False(f.CanDelete));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.DeleteAsync(byLead.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.UploadAsync(CardSubject.Deal, deal.Id, "x.txt", new MemoryStream("x"u8.ToArray())));

        // The deal's owner deletes the team lead's file: it leaves the list and the disk, its record stays for the audit.
        await H.User.SignInAsAsync("m1@demo.salescrm");
        await service.DeleteAsync(byLead.Id);
        Assert.Empty((await service.ListAsync(CardSubject.Deal, deal.Id)).Files);
        Assert.Empty(Directory.GetFiles(_folder));
        var record = await H.QueryAsync(db => db.AttachedFiles.SingleAsync(f => f.Id == byLead.Id));
        Assert.True(record.IsDeleted);
        Assert.Contains(H.Events.Published, e => e is FileRemoved { File.Id: var id } && id == byLead.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => service.OpenAsync(byLead.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => service.DeleteAsync(byLead.Id));
        // The deal's history keeps the file's name: attached by the team lead, deleted by the owner.
        var owner = (await H.User.SignInAsAsync("m1@demo.salescrm")).FullName;
        var story = (await H.Get<SalesCrm.Data.Deals.DealService>().GetCardAsync(deal.Id)).Timeline.Where(i => i.Kind == SalesCrm.Data.Deals.TimelineKind.File).ToList();
        Assert.Contains(story, i => i.Subject == "attached" && i.Text == "совет.txt");
        Assert.Contains(story, i => i.Subject == "deleted" && i.Text == "совет.txt" && i.Who == owner);
        var key = Key(byLead.Id);
        Assert.True(await H.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == nameof(AttachedFile) && a.EntityId == key
            && a.Action == AuditAction.Modified && a.Field == nameof(AttachedFile.DeletedAt))));

        // The head deletes a manager's file on a client.
        var byManager = await service.UploadAsync(CardSubject.Client, deal.ClientId, "убытки.csv", new MemoryStream("Год;Убытки\n2025;0\n"u8.ToArray()));
        await H.User.SignInAsAsync("head@demo.salescrm");
        await service.DeleteAsync(byManager.Id);
        Assert.Empty((await service.ListAsync(CardSubject.Client, deal.ClientId)).Files);
    }

    [Fact]
    public async Task TheDatabaseStoreKeepsTheContentInATableForEveryNode()
    {
        await using var h = await ServiceHarness.CreateAsync(await TestDatabase.CopyAsync(), settings: new Dictionary<string, string?>
        {
            ["Files:Store"] = "Database",
            ["Files:Path"] = _folder,
        });
        var deal = await h.DealAtAsync("m2@demo.salescrm", StageCode.Qualification);
        await h.User.SignInAsAsync("m2@demo.salescrm");
        var service = h.Get<FileService>();

        var saved = await service.UploadAsync(CardSubject.Client, deal.ClientId, "Договор.pdf", new MemoryStream(Proposal));
        Assert.False(Directory.Exists(_folder) && Directory.EnumerateFileSystemEntries(_folder).Any());
        var key = await h.QueryAsync(db => db.AttachedFiles.Where(f => f.Id == saved.Id).Select(f => f.StorageKey).SingleAsync());
        Assert.Equal(Proposal, await h.QueryAsync(db => db.FileContents.Where(c => c.Key == key).Select(c => c.Content).SingleAsync()));

        Assert.Equal(Proposal, await ReadAsync(await service.OpenAsync(saved.Id)));

        await service.DeleteAsync(saved.Id);
        Assert.False(await h.QueryAsync(db => db.FileContents.AnyAsync(c => c.Key == key)));
    }

    private static async Task<byte[]> ReadAsync(FileDownload download)
    {
        await using var content = download.Content;
        using var bytes = new MemoryStream();
        await content.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
