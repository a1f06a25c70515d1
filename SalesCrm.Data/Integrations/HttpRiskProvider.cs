using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;

namespace SalesCrm.Data.Integrations;

/// <summary>
/// The <c>CounterpartyRisk:Http</c> section: an HTTP risk provider called with a URL template holding <c>{inn}</c>, optional
/// request headers (an API key), and where each index sits in the JSON answer (a dot path such as
/// <c>data.indices.dueDiligence</c>). Without a URL template the provider is off and only the SPARK import is offered.
/// </summary>
public sealed class RiskProviderOptions
{
    public RiskProviderOptions()
    {
    }

    public RiskProviderOptions(IConfiguration configuration) => configuration.GetSection("CounterpartyRisk:Http").Bind(this);

    public string? UrlTemplate { get; set; }

    /// <summary>The name shown as the source of the indices on the client card.</summary>
    public string Source { get; set; } = "Провайдер рисков";

    public Dictionary<string, string> Headers { get; set; } = [];

    public RiskFieldMapping Fields { get; set; } = new();

    public int TimeoutSeconds { get; set; } = 10;

    public bool Enabled => !string.IsNullOrWhiteSpace(UrlTemplate);
}

/// <summary>Dot paths of the three indices in the provider's JSON answer.</summary>
public sealed class RiskFieldMapping
{
    public string DueDiligence { get; set; } = "dueDiligence";
    public string FinancialRisk { get; set; } = "financialRisk";
    public string PaymentDiscipline { get; set; } = "paymentDiscipline";
}

/// <summary>
/// Asks the configured provider for one INN and reads the three indices through the field mapping. Every failure —
/// unreachable, slow, an error status, an answer that is not JSON, a missing or out-of-range field — is a
/// <see cref="DomainException"/> in Russian, so the caller writes nothing.
/// </summary>
public sealed class HttpRiskProvider(RiskProviderOptions options, HttpClient http)
{
    public RiskProviderOptions Options => options;

    public async Task<RiskIndices> FetchAsync(string inn, CancellationToken ct = default)
    {
        if (!options.Enabled) throw new DomainException("Провайдер рисков не настроен (CounterpartyRisk:Http:UrlTemplate).");
        if (Inn.Validate(inn) is { } innError) throw new DomainException("ИНН клиента: " + innError);
        var url = options.UrlTemplate!.Replace("{inn}", Uri.EscapeDataString(inn.Trim()), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in options.Headers) request.Headers.TryAddWithoutValidation(name, value);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DomainException(new UserText("{0} не ответил за {1} с. Попробуйте позже.", options.Source, options.TimeoutSeconds));
        }
        catch (HttpRequestException ex)
        {
            throw new DomainException(new UserText("{0} недоступен: {1}", options.Source, ex.Message));
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                throw new DomainException(new UserText("{0} не знает компанию с ИНН {1}.", options.Source, inn));
            if (!response.IsSuccessStatusCode)
                throw new DomainException(new UserText("{0} ответил ошибкой {1}.", options.Source, (int)response.StatusCode));
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            }
            catch (JsonException)
            {
                throw new DomainException(new UserText("{0} прислал ответ, который не разобрать (ожидался JSON).", options.Source));
            }
            using (json)
            {
                return new RiskIndices(
                    Read(json.RootElement, options.Fields.DueDiligence, "индекс должной осмотрительности"),
                    Read(json.RootElement, options.Fields.FinancialRisk, "индекс финансового риска"),
                    Read(json.RootElement, options.Fields.PaymentDiscipline, "индекс платёжной дисциплины"));
            }
        }
    }

    private int Read(JsonElement root, string path, string name)
    {
        var node = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(part, out var next)) node = next;
            else if (node.ValueKind == JsonValueKind.Array && int.TryParse(part, out var i) && i >= 0 && i < node.GetArrayLength()) node = node[i];
            else throw new DomainException(new UserText("В ответе {0} нет поля «{1}» ({2}). Проверьте CounterpartyRisk:Http:Fields.", options.Source, path, name));
        }
        var raw = node.ValueKind switch
        {
            JsonValueKind.Number => node.GetDouble().ToString(CultureInfo.InvariantCulture),
            JsonValueKind.String => node.GetString(),
            _ => null,
        };
        var (value, error) = RiskIndexValue.Parse(raw, name);
        return error is null ? value : throw new DomainException(new UserText("{0}: {1}", options.Source, error));
    }
}

/// <summary>A risk index as a provider writes it: a number from 0 to 100 (a decimal comma is fine), rounded.</summary>
public static class RiskIndexValue
{
    public static (int Value, string? Error) Parse(string? raw, string name)
    {
        if (string.IsNullOrWhiteSpace(raw)) return (0, $"Нет значения: {name}.");
        var text = raw.Trim().Replace(',', '.');
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 100
            ? ((int)Math.Round(v), null)
            : (0, $"{char.ToUpperInvariant(name[0])}{name[1..]} — число от 0 до 100, а не «{raw.Trim()}».");
    }
}
