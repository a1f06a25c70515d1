using System.Security.Cryptography;
using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Proposals;

/// <summary>
/// A Word template of commercial proposals (КП), uploaded by a team lead, the head or an administrator: for one product, or
/// for every product without its own (<see cref="ProductId"/> null). The file is kept as uploaded once its placeholders were
/// checked; a new upload of the same template replaces it and counts a version, and a template no longer wanted is archived —
/// the proposals made from it keep their own files.
/// </summary>
public sealed class ProposalTemplate : Entity, IVersioned
{
    /// <summary>A Word template with a logo and a few pages is well under this; more is a scan or a wrong file.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    private ProposalTemplate() { }

    public ProposalTemplate(string name, int? productId, string fileName, byte[] content, int uploadedById, DateTime now)
    {
        Name = Guard.Required(name, nameof(Name), "Название шаблона", 200);
        ProductId = productId;
        CreatedAt = now;
        Replace(fileName, content, uploadedById, now);
    }

    public string Name { get; private set; } = "";
    /// <summary>The product the template is for; null — any product without a template of its own.</summary>
    public int? ProductId { get; private set; }
    public string FileName { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public long Size { get; private set; }
    public string Sha256 { get; private set; } = "";
    public int UploadedById { get; private set; }
    public DateTime UploadedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// <summary>How many files were uploaded as this template (the first is 1).</summary>
    public int Revision { get; private set; }
    public bool IsArchived { get; private set; }
    public int Version { get; set; }

    /// <summary>A new file for the template (its placeholders already checked by the caller).</summary>
    public void Replace(string fileName, byte[] content, int uploadedById, DateTime now)
    {
        if (content.Length == 0) throw new DomainException("Файл шаблона пустой.", nameof(Content));
        if (content.Length > MaxBytes) throw new DomainException(new UserText("Шаблон больше {0} МБ — уберите из него крупные картинки.", MaxBytes / 1024 / 1024), nameof(Content));
        if (!string.Equals(Path.GetExtension(fileName), ".docx", StringComparison.OrdinalIgnoreCase))
            throw new DomainException("Шаблон — документ Word в формате .docx (в Word: «Сохранить как» → «Документ Word»).", nameof(Content));
        FileName = Files.FileRules.SafeName(fileName);
        Content = content;
        Size = content.Length;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        UploadedById = uploadedById;
        UploadedAt = now;
        Revision++;
        IsArchived = false;
    }

    public void Rename(string name, int? productId)
    {
        Name = Guard.Required(name, nameof(Name), "Название шаблона", 200);
        ProductId = productId;
    }

    public void Archive() => IsArchived = true;
}
