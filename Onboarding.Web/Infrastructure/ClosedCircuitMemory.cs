using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Onboarding.Web.Infrastructure;

/// <summary>
/// Gives what closed circuits held back to the machine. An idle Web allocates almost nothing, so the GC would not run
/// again to return the memory of fifty viewers whose tabs just closed (docs/reliability.md, long sessions). Once circuits
/// have stopped closing for <see cref="Quiet"/>, one collection compacts the heap and decommits the free part, and the
/// native heap's free pages go back too (<see cref="NativeHeap"/>); at most once a minute, so a steady trickle of
/// closing tabs does not turn into a steady stream of full collections.
/// </summary>
internal sealed class ClosedCircuitMemory(TimeProvider time, ILogger<ClosedCircuitMemory> logger) : CircuitHandler, IDisposable
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AtMostEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DateTimeOffset _lastCollected = DateTimeOffset.MinValue;

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var due = Max(Quiet, _lastCollected + AtMostEvery - time.GetUtcNow());
            _timer ??= time.CreateTimer(_ => Collect(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Collect()
    {
        lock (_gate)
        {
            _lastCollected = time.GetUtcNow();
        }

        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var trimmed = NativeHeap.Trim();
        logger.LogInformation("Circuits closed: compacted the heap{Trimmed}; working set {BeforeMiB} → {AfterMiB} MiB",
            trimmed ? " and trimmed the native one" : "", before >> 20, Environment.WorkingSet >> 20);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
