using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Activities;

/// <summary>
/// A PBX's recording of a call, kept by the PBX and fetched from it when somebody plays it (decision 0018). The PBX says a
/// recording is ready separately from the call itself, in either order: the reference is kept by the call's id, and the call's
/// activity links to it when both are known.
/// </summary>
public sealed class PbxRecording : Entity
{
    private PbxRecording() { }

    public PbxRecording(string callId, string reference, DateTime now)
    {
        CallId = Guard.Required(callId, nameof(CallId), "Звонок", 100);
        Reference = Guard.Required(reference, nameof(Reference), "Запись", 200);
        ReceivedAt = now;
    }

    /// <summary>The call's id as its activity holds it (<c>mango:&lt;entry_id&gt;</c>, <c>zadarma:&lt;pbx_call_id&gt;</c>).</summary>
    public string CallId { get; private set; } = "";

    /// <summary>What the PBX's API needs to give the file (<c>mango:&lt;recording_id&gt;</c>, <c>zadarma:&lt;call_id_with_rec&gt;</c>).</summary>
    public string Reference { get; private set; } = "";

    public DateTime ReceivedAt { get; private set; }

    /// <summary>Where the app plays it: the address the call's activity links to.</summary>
    public string PlayUrl => $"/recordings/{Id}";
}
