using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Leads;

/// <summary>
/// An <c>Idempotency-Key</c> an integration sent with a lead: the same key again returns the same answer
/// instead of a second lead. Unique per API key in the database, so a retry racing the original is caught too.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public IdempotencyRecord(int apiKeyId, string key, Lead? lead, int? clientId, int? assignedTo, DateTime now, string? fingerprint = null)
    {
        Fingerprint = fingerprint;
        var k = key.Trim();
        if (k.Length is 0 or > 200) throw new DomainException("Idempotency-Key — от 1 до 200 символов.", "Idempotency-Key");
        ApiKeyId = apiKeyId;
        Key = k;
        Lead = lead;
        LeadId = lead?.Id is > 0 ? lead.Id : null;
        ClientId = clientId;
        AssignedTo = assignedTo;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public int ApiKeyId { get; private set; }
    public string Key { get; private set; } = "";
    public int? LeadId { get; private set; }
    public Lead? Lead { get; private set; }
    public int? ClientId { get; private set; }
    public int? AssignedTo { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// <summary>SHA-256 of the submission the key first came with: the same key with another body is refused, not answered as a repeat.</summary>
    public string? Fingerprint { get; private set; }
}

/// <summary>
/// One identifying key (inn:…, phone:…, email:…) of an open lead, unique in the database: two requests for the
/// same person at the same moment cannot both create a lead. Removed when the lead is closed.
/// </summary>
public sealed class LeadDedupKey
{
    private LeadDedupKey() { }

    public LeadDedupKey(string value, Lead lead)
    {
        Value = value;
        Lead = lead;
    }

    /// <summary>For a lead already saved (bulk loads).</summary>
    public LeadDedupKey(string value, int leadId)
    {
        Value = value;
        LeadId = leadId;
    }

    public long Id { get; private set; }
    public string Value { get; private set; } = "";
    public int LeadId { get; private set; }
    public Lead? Lead { get; private set; }
}
