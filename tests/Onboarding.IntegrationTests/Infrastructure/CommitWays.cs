using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>Append requests one Api instance committed, by the way they went (its per_commit histogram).</summary>
internal sealed class CommitWays : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _committed = new();

    public CommitWays(IServiceProvider services)
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "onboarding.appends.per_commit" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, count, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "way")
                {
                    _committed.AddOrUpdate((string)tag.Value!, count, (_, sum) => sum + count);
                }
            }
        });
        _listener.Start();
    }

    public long Committed(string way) => _committed.GetValueOrDefault(way);

    public override string ToString() => string.Join(", ", _committed.Select(w => $"{w.Key}: {w.Value}"));

    public void Dispose() => _listener.Dispose();
}
