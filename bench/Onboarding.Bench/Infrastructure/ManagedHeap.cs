using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// A .NET process's live managed heap: what its objects still hold, without the garbage its GC has not collected yet
/// and the memory the GC keeps committed, which RSS counts too. Asked for as <c>dotnet-gcdump</c> asks: an EventPipe
/// session with the GC-heap-collect keyword makes the runtime run a full blocking collection, and the heap's size after
/// it is read from that collection's GCHeapStats event.
/// </summary>
public static class ManagedHeap
{
    public static async Task<double> LiveMiBAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect;
        using var session = client.StartEventPipeSession(
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)keywords), requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);

        // A collection that was already under way may report first: only the induced full one counts.
        var induced = false;
        double? live = null;
        source.Clr.GCStart += gc => induced = gc is { Depth: 2, Reason: GCReason.Induced };
        source.Clr.GCHeapStats += stats =>
        {
            if (induced && live is null)
            {
                live = (stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4) / 1048576.0;
                session.Stop();
            }
        };

        var reading = Task.Run(source.Process);
        if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(30))) != reading)
        {
            session.Stop();
            await reading;
        }

        return live ?? throw new InvalidOperationException($"Process {pid} reported no induced collection within 30 s.");
    }
}
