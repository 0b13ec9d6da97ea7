using System.Diagnostics;

namespace Onboarding.Bench.Infrastructure;

/// <summary>Durations in milliseconds, collected from many threads; percentiles by nearest rank.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count
    {
        get
        {
            lock (_values)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_values)
        {
            _values.Add(milliseconds);
        }
    }

    /// <summary>Adds the time between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    public void AddBetween(long start, long end) => Add(Milliseconds(start, end));

    public double Percentile(double percent)
    {
        var sorted = Sorted();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double P50 => Percentile(50);

    public double P99 => Percentile(99);

    public double Max => Percentile(100);

    /// <summary>"p50 4.1 ms, p99 12.0 ms, max 30.2 ms (n = 1,000)".</summary>
    public string Summary() => $"p50 {Ms(P50)}, p99 {Ms(P99)}, max {Ms(Max)} (n = {Count:N0})";

    public static double Milliseconds(long start, long end) => (end - start) * 1000.0 / Stopwatch.Frequency;

    public static string Ms(double milliseconds) => double.IsNaN(milliseconds) ? "n/a" : $"{milliseconds:0.0} ms";

    private double[] Sorted()
    {
        lock (_values)
        {
            var copy = _values.ToArray();
            Array.Sort(copy);
            return copy;
        }
    }
}
