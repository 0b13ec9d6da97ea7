using System.Globalization;

namespace Onboarding.Bench.Infrastructure;

/// <summary>Memory of processes, read from /proc the way <c>ps</c> does.</summary>
public static class ProcessMemory
{
    /// <summary>Resident set size (VmRSS) in MiB; 0 once the process is gone.</summary>
    public static double ResidentMiB(int pid) => Field($"/proc/{pid}/status", "VmRSS:");

    /// <summary>
    /// Proportional set size summed over a process and its children, in MiB: shared memory (Postgres' shared buffers) is
    /// shared out between the processes that map it instead of being counted once per backend.
    /// </summary>
    public static double ProportionalTreeMiB(int pid) =>
        Field($"/proc/{pid}/smaps_rollup", "Pss:") + Children(pid).Sum(ProportionalTreeMiB);

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(child => int.Parse(child, CultureInfo.InvariantCulture))
            : [];
    }

    private static double Field(string path, string name)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended meanwhile.
            return 0;
        }
    }
}
