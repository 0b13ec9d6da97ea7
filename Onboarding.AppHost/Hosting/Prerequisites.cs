using System.Diagnostics;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// The Debian packages the local resources run from, installed when missing so that a machine with only the .NET SDK
/// can start the system: apt-get directly as root, else through sudo without a prompt.
/// </summary>
public static class Prerequisites
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim OneInstallAtATime = new(1, 1);

    /// <summary>Whether this process runs as root (Postgres then runs as its own system user).</summary>
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>The newest installed Postgres' bin directory (Debian: /usr/lib/postgresql/N/bin), or null.</summary>
    public static string? PostgresBinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    /// <summary>The first executable called <paramref name="name"/> on PATH (or in the sbin folders), or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Installs whichever of Postgres, Redis and Chromium are asked for and missing.</summary>
    public static async Task EnsureAsync(bool postgres, bool redis, bool chromium, Action<string> log, CancellationToken cancellationToken = default)
    {
        await OneInstallAtATime.WaitAsync(cancellationToken);
        try
        {
            List<string> missing =
            [
                .. postgres && PostgresBinDirectory is null ? ["postgresql"] : Array.Empty<string>(),
                .. redis && FindOnPath("redis-server") is null ? ["redis-server"] : Array.Empty<string>(),
                .. chromium && !File.Exists(ChromiumPath) ? ["chromium"] : Array.Empty<string>(),
            ];
            if (missing.Count == 0)
            {
                return;
            }

            log($"Installing {string.Join(", ", missing)} from Debian packages (apt-get)...");
            if (IsRoot && missing.Contains("postgresql"))
            {
                // The package would otherwise create and start a system-wide cluster on 5432; the AppHost runs its own.
                Directory.CreateDirectory("/etc/postgresql-common");
                const string conf = "/etc/postgresql-common/createcluster.conf";
                if (!File.Exists(conf))
                {
                    await File.WriteAllTextAsync(conf, "create_main_cluster = false\n", cancellationToken);
                }
            }

            await AptAsync(["update", "-q"], cancellationToken);
            await AptAsync(["install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", .. missing], cancellationToken);
        }
        finally
        {
            OneInstallAtATime.Release();
        }
    }

    /// <summary>Runs a program to its end and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await output + await errors).Trim());
    }

    private static async Task AptAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var (fileName, fullArguments) = IsRoot ? ("apt-get", arguments) : ("sudo", ["-n", "apt-get", .. arguments]);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await RunAsync(fileName, fullArguments, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            (exitCode, output) = (-1, e.Message);
        }

        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', fullArguments)}' failed (exit {exitCode}): {output}\nInstall postgresql, redis-server and chromium yourself, or run as root.");
        }
    }
}
