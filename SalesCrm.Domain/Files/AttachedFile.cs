using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Files;

/// <summary>
/// A file kept on a deal or a client: the proposal's PDF, a scanned contract, the client's loss history. The record is what
/// the CRM knows of the file (its checked name, type, size and SHA-256, who brought it and when); the content is kept by a
/// file store under <see cref="StorageKey"/>, a generated name, never the user's. Deleting keeps the record — who uploaded
/// what and who deleted it stays in the audit trail and the history — while the content itself is removed (decision 0025).
/// </summary>
public sealed class AttachedFile : Entity
{
    private AttachedFile() { }

    /// <summary>A checked upload (its size, hash and first bytes were checked as it was received); the name is kept as <see cref="FileRules.SafeName"/> makes it.</summary>
    public AttachedFile(int? dealId, int? clientId, string name, long size, string sha256, string storageKey, int uploadedById, DateTime now)
    {
        if ((dealId is null) == (clientId is null)) throw new DomainException("Файл прикрепляется к сделке или к клиенту.");
        var kind = FileRules.KindOf(name);
        DealId = dealId;
        ClientId = clientId;
        Name = FileRules.SafeName(name);
        ContentType = kind.ContentType;
        Size = size;
        Sha256 = sha256;
        StorageKey = storageKey;
        UploadedById = uploadedById;
        UploadedAt = now;
        Raise(new FileAttached(this, now));
    }

    public int? DealId { get; private set; }
    public int? ClientId { get; private set; }
    /// <summary>The name shown and offered on download: without folders, hidden or reserved characters, its extension kept.</summary>
    public string Name { get; private set; } = "";
    /// <summary>The type of the allowed extension (not the browser's guess, which a hostile client chooses).</summary>
    public string ContentType { get; private set; } = "";
    public long Size { get; private set; }
    /// <summary>Hex SHA-256 of the content: the audit trail can tell which file it was, and two copies of one scan show as such.</summary>
    public string Sha256 { get; private set; } = "";
    /// <summary>The content's name in the store (a generated id); a user's name never reaches the disk.</summary>
    public string StorageKey { get; private set; } = "";
    public int UploadedById { get; private set; }
    public DateTime UploadedAt { get; private set; }
    public DateTime? DeletedAt { get; private set; }
    public int? DeletedById { get; private set; }
    public bool IsDeleted => DeletedAt is not null;

    /// <summary>Removes the file from the record's list; the caller removes the content from the store once this is saved.</summary>
    public void Delete(int byId, DateTime now)
    {
        if (IsDeleted) throw new DomainException(new UserText("Файл «{0}» уже удалён.", Name));
        DeletedAt = now;
        DeletedById = byId;
        Raise(new FileRemoved(this, now));
    }
}

public sealed record FileAttached(AttachedFile File, DateTime OccurredAt) : IDomainEvent;

public sealed record FileRemoved(AttachedFile File, DateTime OccurredAt) : IDomainEvent;
