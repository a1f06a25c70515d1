using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using SalesCrm.Data.Access;
using SalesCrm.Domain.Common;

namespace SalesCrm.Web.Resources;

/// <summary>
/// The UI's localizer. The code writes its texts in Russian, the source language, which needs no lookup; every other
/// language is a PO file embedded from <c>SalesCrm.Web/Resources/{language}.po</c> (decision record 0012). A culture finds
/// its own file or its parent's ("en-GB" reads en.po); a text with no translation is shown in Russian.
/// </summary>
public sealed class PoLocalizer : IStringLocalizer<SharedResource>
{
    private const string Source = "ru";
    private static readonly ConcurrentDictionary<string, PoCatalog?> Catalogs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The catalogue of a language, or null when the app has none (the language is the source or not translated).</summary>
    public static PoCatalog? CatalogOf(CultureInfo culture)
    {
        for (var c = culture; c.Name.Length > 0; c = c.Parent)
        {
            if (c.TwoLetterISOLanguageName == Source) return null;
            if (Catalogs.GetOrAdd(c.Name, Load) is { } found) return found;
        }
        return null;
    }

    private static PoCatalog? Load(string language)
    {
        var assembly = typeof(PoLocalizer).Assembly;
        using var stream = assembly.GetManifestResourceStream($"SalesCrm.Web.Resources.{language}.po");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return PoCatalog.Parse(reader, $"{language}.po");
    }

    public LocalizedString this[string name]
    {
        get
        {
            var culture = CultureInfo.CurrentUICulture;
            var catalog = CatalogOf(culture);
            var found = catalog?.Find(name);
            return new LocalizedString(name, found ?? name, resourceNotFound: catalog is not null && found is null, searchedLocation: culture.Name);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, format.Value, arguments), format.ResourceNotFound, format.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        CatalogOf(CultureInfo.CurrentUICulture)?.Entries.Select(e => new LocalizedString(e.Key, e.Value, false)) ?? [];
}

public static class LocalizerText
{
    /// <summary>
    /// A <see cref="UserText"/> in the reader's language: the format is looked up, then each argument that is itself a text of
    /// the app (a field's label, a stage's name) is translated too, and the arguments are put in with the reader's culture.
    /// </summary>
    public static string Text(this IStringLocalizer l, UserText text)
    {
        if (text.Arguments.Length == 0) return l[text.Format];
        var arguments = text.Arguments.Select(a => a is string s && l[s] is { ResourceNotFound: false } t ? t.Value : a).ToArray();
        return l[text.Format, arguments!];
    }

    /// <summary>What a refusal says to the user, in the user's language.</summary>
    public static string For(this IStringLocalizer l, Exception refusal) => refusal switch
    {
        DomainException d => l.Text(d.Text),
        AccessDeniedException a => l.Text(a.Text),
        NotFoundException n => l.Text(n.Text),
        _ => l[refusal.Message],
    };
}

public static class LocalizationSetup
{
    /// <summary>Localization with <see cref="PoLocalizer"/> for the UI's texts.</summary>
    public static IServiceCollection AddSalesCrmLocalization(this IServiceCollection services) =>
        services.AddLocalization().AddSingleton<IStringLocalizer<SharedResource>, PoLocalizer>();
}
