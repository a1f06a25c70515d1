using System.Text.Json;
using System.Text.Unicode;

namespace SalesCrm.Web.Api;

/// <summary>
/// What the machine endpoints (leads, telephony) share when they read a JSON body: a hard size cap that holds for chunked
/// bodies too (a Content-Length can be absent or lie), UTF-8 only (a 1C or a PBX configured for Windows-1251 gets told so
/// instead of seeing mangled Cyrillic stored), and a Russian answer that names the field when a value has the wrong type.
/// </summary>
public static class ApiRequests
{
    /// <summary>The body, or why it cannot be read (the field, the message and the status to answer with).</summary>
    public sealed record Body(byte[]? Bytes, string? Field = null, string? Error = null, int Status = StatusCodes.Status400BadRequest)
    {
        public IResult Refusal() => Problem(Field ?? "body", Error ?? "", Status);
    }

    public static async Task<Body> ReadJsonAsync(HttpRequest request, int maxBytes, string tooLarge, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return new Body(null, "body", tooLarge, StatusCodes.Status413PayloadTooLarge);
        var charset = request.GetTypedHeaders().ContentType?.Charset.Value;
        if (charset is { Length: > 0 } && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return new Body(null, "body", $"Тело запроса должно быть в UTF-8, а не в {charset}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return new Body(null, "body", tooLarge, StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        if (!Utf8.IsValid(bytes))
            return new Body(null, "body", "Тело запроса не в кодировке UTF-8 (похоже на Windows-1251): пришлите JSON в UTF-8.");
        return new Body(bytes);
    }

    /// <summary>
    /// A broken document, or a value of the wrong type — then in the user's words, on the API's field name, with what the
    /// field takes (read from <paramref name="target"/>'s property of that name).
    /// </summary>
    public static IResult JsonError(JsonException ex, Type target, string broken)
    {
        var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.').Split('.', '[')[0] : "";
        var wrongType = ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        if (field.Length == 0 || !wrongType) return Problem("body", broken);
        var property = target.GetProperty(field, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
        var type = Nullable.GetUnderlyingType(property?.PropertyType ?? typeof(string)) ?? property?.PropertyType ?? typeof(string);
        var expected = type == typeof(DateTime) || type == typeof(DateTimeOffset) ? "дата и время ISO 8601, например 2026-11-23T09:00:00Z"
            : type == typeof(int) || type == typeof(long) ? "целое число"
            : type == typeof(bool) ? "true или false"
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? "объект, все значения которого — строки, например {\"utm_source\": \"yandex\"}"
            : "строка";
        return Problem(field, $"Поле «{field}» указано в неверном формате: ожидается {expected}.");
    }

    public static IResult Problem(string field, string message, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(ErrorBody(field, message), statusCode: status);

    /// <summary>The API's error shape: <c>{ "errors": { field: [messages] } }</c>.</summary>
    public static object ErrorBody(string field, string message) => new { errors = new Dictionary<string, string[]> { [field] = [message] } };
}
