using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SalesCrm.Domain.Activities;

namespace SalesCrm.Data.Integrations;

/// <summary>
/// Zadarma's PBX notifications, as its API describes them (docs/integrations.md): form posts whose <c>Signature</c> header is
/// Base64 of the hex HMAC-SHA1, under the API secret, of a few of the notification's fields, which depend on the event.
/// </summary>
public static class Zadarma
{
    /// <summary>The fields each event signs, in order; an event not listed here cannot be checked.</summary>
    private static readonly Dictionary<string, string[]> Signed = new(StringComparer.Ordinal)
    {
        ["NOTIFY_START"] = ["caller_id", "called_did", "call_start"],
        ["NOTIFY_INTERNAL"] = ["caller_id", "called_did", "call_start"],
        ["NOTIFY_END"] = ["caller_id", "called_did", "call_start"],
        ["NOTIFY_IVR"] = ["caller_id", "called_did", "call_start"],
        ["NOTIFY_ANSWER"] = ["caller_id", "destination", "call_start"],
        ["NOTIFY_OUT_START"] = ["internal", "destination", "call_start"],
        ["NOTIFY_OUT_END"] = ["internal", "destination", "call_start"],
        ["NOTIFY_RECORD"] = ["pbx_call_id", "call_id_with_rec"],
    };

    /// <summary>The signature of a notification as the PBX computes it, or null for an event whose signed fields are unknown.</summary>
    public static string? Sign(IReadOnlyDictionary<string, string> fields, string secret)
    {
        if (!fields.TryGetValue("event", out var kind) || !Signed.TryGetValue(kind, out var names)) return null;
        var text = string.Concat(names.Select(n => fields.GetValueOrDefault(n, "")));
        var hex = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(hex));
    }

    /// <summary>Whether <paramref name="signature"/> is the notification's signature under one of the secrets.</summary>
    public static bool IsSigned(IReadOnlyDictionary<string, string> fields, string? signature, IEnumerable<string> secrets)
    {
        if (string.IsNullOrWhiteSpace(signature)) return false;
        var given = Encoding.ASCII.GetBytes(signature.Trim());
        return secrets.Any(secret => Sign(fields, secret) is { } s && Encoding.ASCII.GetBytes(s) is var expected
                                     && expected.Length == given.Length && CryptographicOperations.FixedTimeEquals(expected, given));
    }

    /// <summary>A request's parameters as Zadarma's API signs them: sorted by name, encoded as PHP's http_build_query does.</summary>
    public static string Query(IReadOnlyDictionary<string, string> parameters) =>
        string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Encode(p.Key) + "=" + Encode(p.Value)));

    /// <summary>The API's <c>Authorization</c> signature: Base64 of the hex HMAC-SHA1 of method + query + hex MD5 of the query.</summary>
    public static string ApiSignature(string method, string query, string secret)
    {
        var md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(query)));
        var hex = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(method + query + md5)));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(hex));
    }

    /// <summary>RFC 1738 as PHP encodes it: letters, digits and <c>-_.</c> stay, a space is <c>+</c>, the rest <c>%XX</c>.</summary>
    private static string Encode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
            text.Append(b switch
            {
                >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' => ((char)b).ToString(),
                (byte)' ' => "+",
                _ => "%" + b.ToString("X2", CultureInfo.InvariantCulture),
            });
        return text.ToString();
    }

    /// <summary>The call and recording of a <c>NOTIFY_RECORD</c> (the recording can be requested through the API).</summary>
    /// <exception cref="FormatException">The notification lacks them.</exception>
    public static (string PbxCallId, string RecordingId) Recorded(IReadOnlyDictionary<string, string> fields) =>
        (fields.GetValueOrDefault("pbx_call_id"), fields.GetValueOrDefault("call_id_with_rec")) is ({ Length: > 0 and <= 90 } call, { Length: > 0 and <= 190 } recording)
            ? (call, recording)
            : throw new FormatException("NOTIFY_RECORD: нужны pbx_call_id и call_id_with_rec.");

    /// <summary>
    /// What a notification says of a call from outside at an employee's extension (the screen-pop): <c>NOTIFY_INTERNAL</c> rings
    /// the extension <c>internal</c>, <c>NOTIFY_ANSWER</c> is answered there, <c>NOTIFY_END</c> ended there; null for the other
    /// notifications. One call is one <c>pbx_call_id</c>.
    /// </summary>
    public static (string CallId, string Extension, string? Number, CallLegState State)? Leg(IReadOnlyDictionary<string, string> fields)
    {
        var state = fields.GetValueOrDefault("event") switch
        {
            "NOTIFY_INTERNAL" => CallLegState.Ringing,
            "NOTIFY_ANSWER" => CallLegState.Talking,
            "NOTIFY_END" => CallLegState.Ended,
            _ => (CallLegState?)null,
        };
        var extension = fields.GetValueOrDefault("internal") is { Length: > 0 } i ? i
            : state == CallLegState.Talking ? fields.GetValueOrDefault("destination") : null;
        var call = fields.GetValueOrDefault("pbx_call_id");
        if (state is null || string.IsNullOrWhiteSpace(extension) || string.IsNullOrWhiteSpace(call)) return null;
        return ("zadarma:" + call.Trim(), extension.Trim(), fields.GetValueOrDefault("caller_id"), state.Value);
    }

    /// <summary>
    /// The finished call a <c>NOTIFY_END</c> (inbound) or <c>NOTIFY_OUT_END</c> (outbound) describes, or null for the other
    /// events (a call in progress, a recording ready). One call is one <c>pbx_call_id</c>. An inbound call not answered is
    /// missed. <c>call_start</c> carries no zone: it is read in the department's time zone, which the PBX's account is set to.
    /// </summary>
    /// <exception cref="FormatException">A field of the call is not in the documented format.</exception>
    public static TelephonyEvent? FromNotification(IReadOnlyDictionary<string, string> fields, TimeZoneInfo zone)
    {
        var kind = fields.GetValueOrDefault("event");
        if (kind is not ("NOTIFY_END" or "NOTIFY_OUT_END")) return null;
        var inbound = kind == "NOTIFY_END";
        DateTime? started = null;
        if (fields.GetValueOrDefault("call_start") is { Length: > 0 } start)
            started = DateTime.TryParseExact(start, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                ? TimeZoneInfo.ConvertTimeToUtc(local, zone)
                : throw new FormatException($"call_start «{start}»: ожидается ГГГГ-ММ-ДД ЧЧ:ММ:СС.");
        var seconds = fields.GetValueOrDefault("duration") is { Length: > 0 } d
            ? int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"duration «{d}»: ожидается число секунд.")
            : 0;
        var answered = string.Equals(fields.GetValueOrDefault("disposition"), "answered", StringComparison.OrdinalIgnoreCase);
        var callId = fields.GetValueOrDefault("pbx_call_id");
        return new TelephonyEvent(
            CallId: string.IsNullOrWhiteSpace(callId) ? null : "zadarma:" + callId.Trim(),
            Event: inbound && !answered ? "missed" : "ended",
            Direction: inbound ? "inbound" : "outbound",
            From: inbound ? fields.GetValueOrDefault("caller_id") : null,
            To: inbound ? fields.GetValueOrDefault("called_did") : fields.GetValueOrDefault("destination"),
            Extension: fields.GetValueOrDefault("internal"),
            StartedAt: started, AnsweredAt: answered ? started : null, EndedAt: started?.AddSeconds(seconds),
            DurationSeconds: answered ? seconds : 0, RecordingUrl: null);
    }
}
