namespace Onboarding.Reliability.Tests.Infrastructure;

/// <summary>
/// Each test's measured outcome, one line per test, for docs/reliability.md: printed to the test's output and appended
/// to <c>$TMPDIR/onboarding-reliability-outcomes.md</c>.
/// </summary>
public static class Outcomes
{
    public static readonly string File = Path.Combine(Path.GetTempPath(), "onboarding-reliability-outcomes.md");

    public static void Record(string outcome)
    {
        var line = $"- {TestContext.Current.Test?.TestDisplayName}: {outcome}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        lock (File)
        {
            System.IO.File.AppendAllText(File, line + Environment.NewLine);
        }
    }
}
