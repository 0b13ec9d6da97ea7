using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Onboarding.Testing;

/// <summary>
/// Waits for what happens in the background (a committer, a worker, a crawl) by asking again until it holds, rather
/// than sleeping a guessed time; once <c>patience</c> is spent the test fails, naming what it waited for.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    public static async Task TrueAsync(
        Func<Task<bool>> condition, TimeSpan patience, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < patience, $"Gave up after {patience.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(
        Func<bool> condition, TimeSpan patience, [CallerArgumentExpression(nameof(condition))] string? what = null) =>
        TrueAsync(() => Task.FromResult(condition()), patience, what);
}
