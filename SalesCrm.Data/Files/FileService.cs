using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Files;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data.Files;

public sealed record FileView(int Id, string Name, string ContentType, long Size, int UploadedById, string UploadedBy, DateTime UploadedAt,
    bool CanDelete);

/// <summary>A record's files, newest first, and whether the user may attach more.</summary>
public sealed record FileList(IReadOnlyList<FileView> Files, bool CanAttach);

/// <summary>A file opened for download: its name and type as kept, and its content (the caller disposes it).</summary>
public sealed record FileDownload(int Id, string Name, string ContentType, Stream Content);

/// <summary>
/// Files on deals and clients. Access follows the record: whoever may see the deal or the client lists and downloads its
/// files, and those who work deals (not an administrator or an underwriter, who only read them) attach them. A file is deleted
/// by whoever attached it, the record's owner, the team lead over either of them, or the head. The file's record is audited
/// by the audit interceptor (attached, deleted), a download is written to the audit trail here, a refusal to the security log;
/// attaching and deleting publish an event, so an open card shows the change at once.
/// </summary>
public sealed partial class FileService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, IFileStore store,
    FileStorageOptions options, TimeProvider time, ILogger<FileService> logger)
{
    /// <summary>The limit of one file, as the page tells it and checks it before sending.</summary>
    public long MaxBytes => options.MaxBytes;

    public async Task<FileList> ListAsync(CardSubject subject, int id, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, id, "read files", ct);
        var files = await Of(db, subject, id).AsNoTracking().Where(f => f.DeletedAt == null).OrderByDescending(f => f.UploadedAt).ThenByDescending(f => f.Id)
            .ToListAsync(ct);
        var people = files.Select(f => f.UploadedById).Distinct().ToList();
        var staff = await db.Managers.AsNoTracking().Where(m => people.Contains(m.Id)).Select(m => new { m.Id, m.FullName, m.TeamId })
            .ToDictionaryAsync(m => m.Id, ct);
        var owner = await OwnerAsync(db, subject, id, ct);
        return new FileList([.. files.Select(f => View(f, staff.GetValueOrDefault(f.UploadedById)?.FullName ?? "—",
            MayDelete(user, f.UploadedById, staff.GetValueOrDefault(f.UploadedById)?.TeamId, owner)))], user.Scope.CanWorkDeals);
    }

    /// <summary>
    /// Attaches an upload to the record. The name decides the kind (only allowed extensions), the content must begin as that
    /// kind does, and it must fit <c>Files:MaxMegabytes</c>; a refused file leaves nothing behind. The browser's declared type
    /// is not asked for: the kept type is the allowed extension's.
    /// </summary>
    public async Task<FileView> UploadAsync(CardSubject subject, int id, string? name, Stream content, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, id, "attach a file", ct);
        await EnsureWorksAsync(user, subject, id, "attach a file", ct);
        var safeName = FileRules.SafeName(name);
        await using var staged = await store.StageAsync(content, safeName, options.MaxBytes, ct);
        FileRules.CheckContent(safeName, staged.Head.Span);
        var key = Guid.NewGuid().ToString("N");
        var file = new AttachedFile(subject == CardSubject.Deal ? id : null, subject == CardSubject.Client ? id : null, safeName, staged.Size,
            staged.Sha256, key, user.ManagerId, time.GetUtcNow().UtcDateTime);
        await staged.CommitAsync(db, key, ct);
        db.AttachedFiles.Add(file);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            // The record was not saved: content moved into place for it would be nobody's.
            await RemoveContentAsync(key);
            throw;
        }
        return View(file, user.FullName, canDelete: true);
    }

    /// <summary>A file's content for download, for a user who may see its record now; the download is audited.</summary>
    public async Task<FileDownload> OpenAsync(int fileId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var file = await FindAsync(db, fileId, ct);
        await RecordGuard.EnsureVisibleAsync(db, user, security, SubjectOf(file), file.DealId ?? file.ClientId!.Value, "download a file", ct);
        var content = await store.OpenAsync(db, file.StorageKey, ct);
        if (content is null)
        {
            LogContentMissing(logger, file.Id, file.StorageKey);
            throw new NotFoundException(new UserText("Содержимое файла «{0}» не найдено в хранилище — сообщите администратору.", file.Name));
        }
        db.AuditEntries.Add(new AuditEntry(nameof(AttachedFile), RecordGuard.Key(file.Id), AuditAction.Accessed, "download", null, file.Name,
            user.ManagerId, user.FullName, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return new FileDownload(file.Id, file.Name, file.ContentType, content);
    }

    /// <summary>
    /// Deletes a file: it leaves the record's list and its content leaves the store; its record stays, marked deleted, for the
    /// audit trail.
    /// </summary>
    public async Task DeleteAsync(int fileId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var file = await FindAsync(db, fileId, ct);
        var subject = SubjectOf(file);
        var recordId = file.DealId ?? file.ClientId!.Value;
        await RecordGuard.EnsureVisibleAsync(db, user, security, subject, recordId, "delete a file", ct);
        await EnsureWorksAsync(user, subject, recordId, "delete a file", ct);
        var uploaderTeam = await db.Managers.Where(m => m.Id == file.UploadedById).Select(m => m.TeamId).SingleOrDefaultAsync(ct);
        if (!MayDelete(user, file.UploadedById, uploaderTeam, await OwnerAsync(db, subject, recordId, ct)))
        {
            await security.AccessDeniedAsync(user.Actor, nameof(AttachedFile), RecordGuard.Key(file.Id), "delete a file", ct);
            throw new AccessDeniedException("Удалить файл может тот, кто его прикрепил, владелец записи, его руководитель или начальник отдела.");
        }
        file.Delete(user.ManagerId, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        // After the save: if removing the content fails, the file is already gone from every list and download.
        await RemoveContentAsync(file.StorageKey);
    }

    private static async Task<AttachedFile> FindAsync(CrmDbContext db, int fileId, CancellationToken ct) =>
        await db.AttachedFiles.SingleOrDefaultAsync(f => f.Id == fileId && f.DeletedAt == null, ct)
        ?? throw new NotFoundException("Файл не найден — возможно, его уже удалили.");

    private async Task RemoveContentAsync(string key)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            await store.DeleteAsync(db, key, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DbUpdateException or InvalidOperationException)
        {
            LogContentNotRemoved(logger, ex, key);
        }
    }

    /// <summary>The uploader, the record's owner, a team lead over either of them, the head.</summary>
    private static bool MayDelete(CurrentUser user, int uploaderId, int? uploaderTeam, (int Id, int? TeamId) owner) =>
        user.Scope.CanWorkDeals && (user.ManagerId == uploaderId || user.ManagerId == owner.Id || user.Role == StaffRole.Head
            || (user.Role == StaffRole.TeamLead && (user.Scope.CanSeeOwnedBy(owner.Id, owner.TeamId) || user.Scope.CanSeeOwnedBy(uploaderId, uploaderTeam))));

    private async Task EnsureWorksAsync(CurrentUser user, CardSubject subject, int id, string what, CancellationToken ct)
    {
        if (user.Scope.CanWorkDeals) return;
        await security.AccessDeniedAsync(user.Actor, subject == CardSubject.Deal ? nameof(Deal) : nameof(Client), RecordGuard.Key(id), what, ct);
        throw new AccessDeniedException("Ваша роль позволяет только просматривать файлы.");
    }

    private static async Task<(int Id, int? TeamId)> OwnerAsync(CrmDbContext db, CardSubject subject, int id, CancellationToken ct)
    {
        var ownerId = subject == CardSubject.Deal
            ? await db.Deals.Where(d => d.Id == id).Select(d => d.OwnerId).SingleAsync(ct)
            : await db.Clients.Where(c => c.Id == id).Select(c => c.OwnerId).SingleAsync(ct);
        return (ownerId, await db.Managers.Where(m => m.Id == ownerId).Select(m => m.TeamId).SingleOrDefaultAsync(ct));
    }

    private static CardSubject SubjectOf(AttachedFile file) => file.DealId is not null ? CardSubject.Deal : CardSubject.Client;

    private static FileView View(AttachedFile f, string uploadedBy, bool canDelete) =>
        new(f.Id, f.Name, f.ContentType, f.Size, f.UploadedById, uploadedBy, f.UploadedAt, canDelete);

    private static IQueryable<AttachedFile> Of(CrmDbContext db, CardSubject subject, int id) =>
        subject == CardSubject.Deal ? db.AttachedFiles.Where(f => f.DealId == id) : db.AttachedFiles.Where(f => f.ClientId == id);

    [LoggerMessage(Level = LogLevel.Error, Message = "The content of attached file {FileId} (key {Key}) is missing from the file store")]
    private static partial void LogContentMissing(ILogger logger, int fileId, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The content under key {Key} could not be removed from the file store; it is nobody's file now")]
    private static partial void LogContentNotRemoved(ILogger logger, Exception ex, string key);
}
