namespace SalesCrm.Data.Files;

/// <summary>
/// Files in a folder of this node (<c>Files:Path</c>), each named by its generated key. An upload is written to a temporary
/// «.part» file in the same folder and moved into place only once complete and checked, so a crash or a refused file leaves
/// no half-written content under a key (a move within one folder is atomic). Several nodes need a shared volume for it —
/// or <see cref="DatabaseFileStore"/>.
/// </summary>
public sealed class DiskFileStore(FileStorageOptions options) : IFileStore
{
    private string Folder => Directory.CreateDirectory(options.Path).FullName;

    public async Task<IStagedFile> StageAsync(Stream content, string name, long maxBytes, CancellationToken ct)
    {
        var part = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            long size;
            string sha;
            byte[] head;
            await using (var target = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                (size, sha, head) = await Spool.CopyAsync(content, target, name, maxBytes, ct);
            return new Staged(this, part, size, sha, head);
        }
        catch
        {
            File.Delete(part);
            throw;
        }
    }

    public Task<Stream?> OpenAsync(CrmDbContext db, string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : null);
    }

    public Task DeleteAsync(CrmDbContext db, string key, CancellationToken ct)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>A key is the app's own (hex); anything else would be a path trick and is refused.</summary>
    private string PathOf(string key) =>
        key.Length is > 0 and <= 64 && key.All(char.IsAsciiHexDigit) ? Path.Combine(Folder, key)
            : throw new ArgumentException("Not a file store key.", nameof(key));

    private sealed class Staged(DiskFileStore store, string part, long size, string sha256, byte[] head) : IStagedFile
    {
        private bool _committed;

        public long Size => size;
        public string Sha256 => sha256;
        public ReadOnlyMemory<byte> Head => head;

        public Task CommitAsync(CrmDbContext db, string key, CancellationToken ct)
        {
            File.Move(part, store.PathOf(key));
            _committed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed) File.Delete(part);
            return ValueTask.CompletedTask;
        }
    }
}
