using Microsoft.Extensions.Configuration;
using SalesCrm.Domain.Files;

namespace SalesCrm.Data.Files;

public enum FileStoreKind
{
    /// <summary>A folder on this node (<see cref="FileStorageOptions.Path"/>).</summary>
    Disk = 1,
    /// <summary>A table of the CRM's database: every node reads the same files without a shared volume.</summary>
    Database = 2,
}

/// <summary>The <c>Files</c> section of appsettings.json: where attached files are kept and how large they may be.</summary>
public sealed class FileStorageOptions
{
    public FileStoreKind Store { get; set; } = FileStoreKind.Disk;

    /// <summary>The folder of <see cref="FileStoreKind.Disk"/>; a relative path is under the app's content root, beside the SQLite database.</summary>
    public string Path { get; set; } = "data/files";

    public int MaxMegabytes { get; set; } = FileRules.DefaultMaxMegabytes;

    public long MaxBytes => Math.Max(1, MaxMegabytes) * 1024L * 1024L;

    public static FileStorageOptions From(IConfiguration configuration) =>
        configuration.GetSection("Files").Get<FileStorageOptions>() ?? new FileStorageOptions();
}
