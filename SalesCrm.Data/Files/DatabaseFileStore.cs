using Microsoft.EntityFrameworkCore;

namespace SalesCrm.Data.Files;

/// <summary>The content of an attached file kept in the database (<c>Files:Store</c> = <c>Database</c>), apart from its record.</summary>
public sealed class FileContent
{
    private FileContent() { }

    public FileContent(string key, byte[] content) => (Key, Content) = (key, content);

    public string Key { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
}

/// <summary>
/// Files in a table of the CRM's database: every web node reads the same files without a shared volume, and a backup of the
/// database holds them. An upload is received into memory (it is within <c>Files:MaxMegabytes</c>) and its row is saved with
/// the file's record, in one transaction: there is never a record without content or content without a record.
/// </summary>
public sealed class DatabaseFileStore : IFileStore
{
    public async Task<IStagedFile> StageAsync(Stream content, string name, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var (size, sha, head) = await Spool.CopyAsync(content, buffer, name, maxBytes, ct);
        return new Staged(buffer.ToArray(), size, sha, head);
    }

    public async Task<Stream?> OpenAsync(CrmDbContext db, string key, CancellationToken ct)
    {
        var content = await db.FileContents.AsNoTracking().Where(c => c.Key == key).Select(c => c.Content).SingleOrDefaultAsync(ct);
        return content is null ? null : new MemoryStream(content, writable: false);
    }

    public Task DeleteAsync(CrmDbContext db, string key, CancellationToken ct) =>
        db.FileContents.Where(c => c.Key == key).ExecuteDeleteAsync(ct);

    private sealed class Staged(byte[] content, long size, string sha256, byte[] head) : IStagedFile
    {
        public long Size => size;
        public string Sha256 => sha256;
        public ReadOnlyMemory<byte> Head => head;

        public Task CommitAsync(CrmDbContext db, string key, CancellationToken ct)
        {
            db.FileContents.Add(new FileContent(key, content));
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
