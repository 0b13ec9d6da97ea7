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

    /// <summary>A process and everything it started, with each one's command line.</summary>
    public static IEnumerable<(int Pid, string CommandLine)> Tree(int pid) =>
        Children(pid).SelectMany(Tree).Prepend((pid, CommandLine(pid)));

    /// <summary>Every process on the machine, with its command line.</summary>
    public static IEnumerable<(int Pid, string CommandLine)> All() =>
        Directory.GetDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (pid, CommandLine(pid)))
            .ToList();

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>A process's children: those started by any of its threads (each thread lists its own).</summary>
    public static IEnumerable<int> Children(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended meanwhile.
            return [];
        }
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
