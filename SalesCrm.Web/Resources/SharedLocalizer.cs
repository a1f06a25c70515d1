using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace SalesCrm.Web.Resources;

/// <summary>
/// The UI's localizer. Resource names in a .resx are unique regardless of letter case, but the Russian keys are not
/// ("Выиграно" in a tile, "выиграно" in a sentence): tools/make-resx.py writes the second of two such keys with a
/// trailing <see cref="CaseMark"/>, and this localizer looks that spelling up when the plain one is missing.
/// </summary>
public sealed class SharedLocalizer(IStringLocalizerFactory factory) : IStringLocalizer<SharedResource>
{
    public const char CaseMark = '\u200B';

    private readonly IStringLocalizer _inner = factory.Create(typeof(SharedResource));

    public LocalizedString this[string name]
    {
        get
        {
            var found = _inner[name];
            if (!found.ResourceNotFound) return found;
            var marked = _inner[name + CaseMark];
            return marked.ResourceNotFound ? found : new LocalizedString(name, marked.Value, false, marked.SearchedLocation);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(System.Globalization.CultureInfo.CurrentCulture, format.Value, arguments), format.ResourceNotFound,
                format.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        _inner.GetAllStrings(includeParentCultures).Select(s => new LocalizedString(s.Name.TrimEnd(CaseMark), s.Value, s.ResourceNotFound, s.SearchedLocation));
}

public static class LocalizationSetup
{
    /// <summary>Localization with <see cref="SharedLocalizer"/> for the UI's texts.</summary>
    public static IServiceCollection AddSalesCrmLocalization(this IServiceCollection services) =>
        services.AddLocalization().AddSingleton<IStringLocalizer<SharedResource>, SharedLocalizer>();
}
