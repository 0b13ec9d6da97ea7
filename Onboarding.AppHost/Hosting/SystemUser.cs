using System.Security.Cryptography;
using System.Text;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// Postgres refuses to run as root, so as root its programs run as the <c>postgres</c> system user through
/// <c>setpriv</c>, which replaces itself with the program: signals reach Postgres directly (<c>runuser</c> would
/// kill it about two seconds after passing on a SIGTERM, before a clean shutdown).
/// </summary>
internal static class SystemUser
{
    public const string Name = "postgres";

    public static string Command(string program) => Prerequisites.IsRoot ? "setpriv" : program;

    public static IEnumerable<string> Arguments(string program) =>
        Prerequisites.IsRoot ? [$"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", program] : [];

    /// <summary>
    /// Creates the data directory and, as root, gives it to the postgres user. A repository under a private home
    /// (e.g. /root) is out of that user's reach, so the data then lives under /var/lib/onboarding instead.
    /// </summary>
    public static string PrepareDataDirectory(string dataDirectory)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        if (!Prerequisites.IsRoot)
        {
            return dataDirectory;
        }

        HandOverAsync(dataDirectory).GetAwaiter().GetResult();
        var (reachable, _) = Prerequisites.RunAsync("setpriv", [.. Arguments("/usr/bin/test"), "-w", dataDirectory]).GetAwaiter().GetResult();
        if (reachable == 0)
        {
            return dataDirectory;
        }

        var fallback = Path.Combine("/var/lib/onboarding", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12], "postgres");
        Console.WriteLine($"The postgres user cannot reach {dataDirectory}; keeping the data in {fallback} instead.");
        Directory.CreateDirectory(fallback);
        HandOverAsync(fallback).GetAwaiter().GetResult();
        return fallback;
    }

    /// <summary>As root, makes a file or directory the postgres user's own (a directory: private to it).</summary>
    public static async Task HandOverAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!Prerequisites.IsRoot)
        {
            return;
        }

        var (exitCode, output) = await Prerequisites.RunAsync("chown", ["-R", $"{Name}:{Name}", path], cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Could not hand {path} to the {Name} user: {output}");
        }

        if (Directory.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
