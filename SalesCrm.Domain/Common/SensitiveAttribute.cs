namespace SalesCrm.Domain.Common;

/// <summary>
/// A value the audit trail records as changed without recording it (a shared secret, a key's hash): the trail is read by
/// more people than may see the secret.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SensitiveAttribute : Attribute;
