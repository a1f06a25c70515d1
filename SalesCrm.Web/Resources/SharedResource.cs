namespace SalesCrm.Web.Resources;

/// <summary>
/// Marker for the UI's strings. Keys are the Russian texts themselves (Russian is the default and needs
/// no lookup); SharedResource.en.resx holds the English translations.
/// </summary>
public sealed class SharedResource;
