using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using SalesCrm.Data.Integrations;
using SalesCrm.Domain.Integrations;

namespace SalesCrm.Web.Api;

/// <summary>
/// Counts what an inbound endpoint takes in and what it refuses, for the connectors' health on the integrations page
/// (<see cref="ConnectorHealth"/>): a success is a message; a 4xx or 5xx is a failure, kept with the answer the sender got.
/// </summary>
public static class ConnectorTracking
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin, UnicodeRanges.Cyrillic) };

    public static TBuilder Track<TBuilder>(this TBuilder endpoint, Connector connector) where TBuilder : IEndpointConventionBuilder
    {
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var health = context.HttpContext.RequestServices.GetRequiredService<ConnectorHealth>();
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : context.HttpContext.Response.StatusCode;
            if (status < 400) health.Received(connector);
            else health.Failed(connector, $"{status}: {Describe(result)}");
            return result;
        });
        return endpoint;
    }

    /// <summary>What the sender was told: the messages of an answer with <c>errors</c>, else the answer as it was.</summary>
    private static string Describe(object? result) => result switch
    {
        IValueHttpResult { Value: { } value } => JsonSerializer.SerializeToElement(value) is { ValueKind: JsonValueKind.Object } body
                                                 && body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.ValueKind == JsonValueKind.Array ? e.Value.EnumerateArray().Select(m => m.ToString()) : [e.Value.ToString()]))
            : JsonSerializer.Serialize(value, Json),
        IContentTypeHttpResult and Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult { ResponseContent: { } text } => text,
        _ => "",
    };
}
