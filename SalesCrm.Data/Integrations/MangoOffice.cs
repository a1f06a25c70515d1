using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SalesCrm.Domain.Activities;

namespace SalesCrm.Data.Integrations;

/// <summary>
/// Mango Office's virtual PBX, as its API describes it (docs/integrations/mango-office.md): every request in either direction
/// is three form fields, <c>vpbx_api_key</c>, <c>json</c> and <c>sign</c> = hex SHA-256 of key + json + salt; the PBX posts its
/// events to the address set in its settings with the event's path appended (<c>events/call</c>, <c>events/summary</c>, …).
/// </summary>
public static class MangoOffice
{
    /// <summary>The signature of a request: hex SHA-256 of the API key, the JSON exactly as sent, and the salt.</summary>
    public static string Sign(string apiKey, string json, string salt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey + json + salt)));

    /// <summary>Whether <paramref name="sign"/> is the signature of <paramref name="json"/> under one of the salts (hex in any case).</summary>
    public static bool Signed(string apiKey, string json, string? sign, IEnumerable<string> salts)
    {
        if (string.IsNullOrWhiteSpace(sign)) return false;
        var given = Encoding.ASCII.GetBytes(sign.Trim().ToLowerInvariant());
        return salts.Any(salt => Encoding.ASCII.GetBytes(Sign(apiKey, json, salt)) is var expected
                                 && expected.Length == given.Length && CryptographicOperations.FixedTimeEquals(expected, given));
    }

    /// <summary>
    /// The finished call an <c>events/summary</c> describes — the PBX's last word on a call, sent once all its legs ended — or
    /// null for a call between two employees. One call is one <c>entry_id</c>, however many legs and events it had. An inbound
    /// call nobody talked on is missed (<c>talk_time</c> 0; the documentation's own examples set <c>entry_result</c> to 1 for
    /// a call that ended in the voice menu).
    /// </summary>
    /// <exception cref="JsonException">The JSON is not an object of the documented shape.</exception>
    public static TelephonyEvent? FromSummary(JsonElement summary)
    {
        if (summary.ValueKind != JsonValueKind.Object) throw new JsonException("events/summary: a JSON object is expected.");
        var direction = Number(summary, "call_direction") ?? throw new JsonException("events/summary: call_direction is missing.");
        if (direction is not (1 or 2)) return null;
        var inbound = direction == 1;
        var from = Party(summary, "from");
        var to = Party(summary, "to");
        var created = Time(summary, "create_time");
        var talk = Time(summary, "talk_time");
        var end = Time(summary, "end_time");
        var answered = talk is not null;
        var duration = answered && end is { } e && talk is { } t ? (int)Math.Clamp((e - t).TotalSeconds, 0, 86_400) : 0;
        return new TelephonyEvent(
            CallId: Text(summary, "entry_id") is { Length: > 0 } entry ? "mango:" + entry : null,
            Event: inbound && !answered ? "missed" : "ended",
            Direction: inbound ? "inbound" : "outbound",
            From: from.Number, To: to.Number,
            Extension: inbound ? to.Extension : from.Extension,
            StartedAt: created, AnsweredAt: talk, EndedAt: end, DurationSeconds: duration, RecordingUrl: null);
    }

    /// <summary>The call and recording of an <c>events/record/added</c> (the file is in the PBX's storage and can be downloaded).</summary>
    /// <exception cref="JsonException">The JSON lacks them.</exception>
    public static (string EntryId, string RecordingId) RecordAdded(JsonElement added)
    {
        if (added.ValueKind != JsonValueKind.Object) throw new JsonException("events/record/added: a JSON object is expected.");
        var entry = Text(added, "entry_id");
        var recording = Text(added, "recording_id");
        if (entry is not { Length: > 0 and <= 90 } || recording is not { Length: > 0 and <= 190 })
            throw new JsonException("events/record/added: entry_id and recording_id are required.");
        return (entry, recording);
    }

    /// <summary>
    /// What an <c>events/call</c> says of a call from outside at an employee's extension (the screen-pop), or null for any
    /// other leg: a call in the voice menu or a queue, an employee's own outgoing call, a call between employees. Legs may arrive
    /// repeated and out of order (their <c>seq</c> says the order); the state only moves forward where it is shown
    /// (<see cref="CallPops"/>). One call is one <c>entry_id</c>, as in the summary.
    /// </summary>
    /// <exception cref="JsonException">The JSON is not an object of the documented shape.</exception>
    public static (string CallId, string Extension, string? Number, CallLegState State)? FromCallEvent(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object) throw new JsonException("events/call: a JSON object is expected.");
        var entry = Text(call, "entry_id") is { Length: > 0 and <= 90 } e ? e : throw new JsonException("events/call: entry_id is missing.");
        var state = Text(call, "call_state") switch
        {
            "Appeared" => CallLegState.Ringing,
            "Connected" or "OnHold" => CallLegState.Talking,
            "Disconnected" => CallLegState.Ended,
            null or "" => throw new JsonException("events/call: call_state is missing."),
            _ => (CallLegState?)null,
        };
        var from = Party(call, "from");
        var to = Party(call, "to");
        if (state is null || string.IsNullOrWhiteSpace(to.Extension) || !string.IsNullOrWhiteSpace(from.Extension)) return null;
        return ("mango:" + entry, to.Extension.Trim(), from.Number, state.Value);
    }

    private static (string? Number, string? Extension) Party(JsonElement o, string name) =>
        o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Object ? (Text(p, "number"), Text(p, "extension")) : (null, null);

    /// <summary>A string field; the PBX sends some numbers as strings and some strings as numbers.</summary>
    private static string? Text(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.ValueKind == JsonValueKind.Number ? v.GetRawText()
        : null;

    private static long? Number(JsonElement o, string name) =>
        Text(o, name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A time in Unix seconds (0: none, as <c>talk_time</c> of a call nobody answered).</summary>
    private static DateTime? Time(JsonElement o, string name) =>
        Number(o, name) is > 0 and < 253_402_300_800 and var n ? DateTimeOffset.FromUnixTimeSeconds(n).UtcDateTime : null;
}
