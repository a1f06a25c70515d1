namespace SalesCrm.Web.Resources;

/// <summary>
/// Marker for the UI's strings. Keys are the Russian texts themselves (Russian is the default and needs no lookup);
/// <c>en.po</c> beside this file holds the English translations (see <see cref="PoLocalizer"/>).
/// </summary>
public sealed class SharedResource;
