using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Web.Infrastructure;

namespace Onboarding.Web.Tests.Infrastructure;

/// <summary>The heap is compacted once circuits stop closing, and at most once a minute however they trickle in.</summary>
public sealed class ClosedCircuitMemoryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly Compactions _log = new();
    private readonly ClosedCircuitMemory _memory;

    public ClosedCircuitMemoryTests() => _memory = new ClosedCircuitMemory(_time, _log);

    [Fact]
    public async Task ABurstOfClosedCircuitsIsCompactedOnceWhenItIsOver()
    {
        for (var i = 0; i < 50; i++)
        {
            await CloseAsync();
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0, _log.Count);
        _time.Advance(ClosedCircuitMemory.Quiet);
        Assert.Equal(1, _log.Count);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, _log.Count);
    }

    [Fact]
    public async Task ATrickleOfClosingTabsIsCompactedAtMostOnceAMinute()
    {
        for (var i = 0; i < 12; i++)
        {
            await CloseAsync();
            _time.Advance(ClosedCircuitMemory.Quiet + TimeSpan.FromSeconds(5));
        }

        // Two minutes of a tab closing every ten seconds: the first compaction, then one a minute later.
        Assert.Equal(2, _log.Count);
    }

    public void Dispose() => _memory.Dispose();

    private Task CloseAsync() => _memory.OnCircuitClosedAsync(null!, CancellationToken.None);

    private sealed class Compactions : ILogger<ClosedCircuitMemory>
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Interlocked.Increment(ref _count);
    }
}
