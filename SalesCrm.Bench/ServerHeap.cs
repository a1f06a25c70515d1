using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace SalesCrm.Bench;

/// <summary>
/// The managed heap of another .NET process right after a full, blocking garbage collection, read from outside through
/// the runtime's diagnostics port (as dotnet-gcdump does): an EventPipe session with the GCHeapCollect keyword makes
/// the runtime collect, and the GCHeapStats event that follows gives the size of every generation. Resident memory
/// cannot say this — the runtime keeps the pages it grew — so "memory per circuit" and "flat after GC" are read here.
/// </summary>
public static class ServerHeap
{
    /// <summary>Bytes live on the managed heap (all generations, large and pinned object heaps) after a full GC.</summary>
    public static long AfterFullGc(int processId)
    {
        var client = new DiagnosticsClient(processId);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long? heap = null;
        var inducedFullGc = false;
        source.Clr.GCStart += e => inducedFullGc |= e.Depth == 2 && e.Reason is GCReason.Induced or GCReason.InducedNotForced or GCReason.InducedCompacting;
        source.Clr.GCHeapStats += e =>
        {
            if (!inducedFullGc || heap is not null) return;
            heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
            session.Stop();
        };
        var reading = Task.Run(source.Process);
        if (!reading.Wait(TimeSpan.FromSeconds(60)))
        {
            session.Stop();
            throw new TimeoutException("The server did not report a full GC within 60 s.");
        }
        return heap ?? throw new InvalidOperationException("The server's event stream ended without a full GC.");
    }
}
