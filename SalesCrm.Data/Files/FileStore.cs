using System.Security.Cryptography;
using SalesCrm.Domain.Files;

namespace SalesCrm.Data.Files;

/// <summary>
/// Where the content of attached files is kept (<c>Files:Store</c>): a folder (<see cref="DiskFileStore"/>) or a table of the
/// database (<see cref="DatabaseFileStore"/>). Content is named by a generated key, never by the user's file name.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Receives an upload into a place nobody reads from, counting, hashing and keeping its first bytes on the way; more than
    /// <paramref name="maxBytes"/> is refused. Nothing half-written is ever visible under a key.
    /// </summary>
    Task<IStagedFile> StageAsync(Stream content, string name, long maxBytes, CancellationToken ct);

    /// <summary>The content kept under <paramref name="key"/>, or null when it is gone.</summary>
    Task<Stream?> OpenAsync(CrmDbContext db, string key, CancellationToken ct);

    /// <summary>Removes the content under <paramref name="key"/> at once (nothing when there is none).</summary>
    Task DeleteAsync(CrmDbContext db, string key, CancellationToken ct);
}

/// <summary>An upload received and checked in size, not yet the content of any file; disposing it unused discards it.</summary>
public interface IStagedFile : IAsyncDisposable
{
    long Size { get; }

    /// <summary>Hex SHA-256.</summary>
    string Sha256 { get; }

    /// <summary>The first <see cref="FileRules.HeadLength"/> bytes (fewer for a shorter file), for the signature check.</summary>
    ReadOnlyMemory<byte> Head { get; }

    /// <summary>
    /// Makes it the content under <paramref name="key"/>: the disk store moves its temporary file into place now; the database
    /// store adds the row to <paramref name="db"/>, saved with the file's record in one transaction.
    /// </summary>
    Task CommitAsync(CrmDbContext db, string key, CancellationToken ct);
}

/// <summary>The copy both stores receive an upload with: counted against the limit, hashed, its first bytes kept.</summary>
internal static class Spool
{
    public static async Task<(long Size, string Sha256, byte[] Head)> CopyAsync(Stream source, Stream target, string name, long maxBytes,
        CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        var head = new List<byte>(FileRules.HeadLength);
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            size += read;
            // Counted as it arrives: a client that declared a small file and sends a large one is stopped at the limit.
            FileRules.CheckSize(name, size, maxBytes);
            if (head.Count < FileRules.HeadLength) head.AddRange(buffer.Take(Math.Min(read, FileRules.HeadLength - head.Count)));
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        FileRules.CheckSize(name, size, maxBytes);
        return (size, FileRules.Hex(hash.GetHashAndReset()), [.. head]);
    }
}
