namespace Onboarding.AppHost.Hosting;

/// <summary>
/// Installs the Debian packages the system runs on when they are missing, so that a machine with only the
/// .NET SDK can start the system and run its tests. Uses apt-get directly as root, else sudo without a prompt.
/// </summary>
public static class Prerequisites
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim OneInstallAtATime = new(1, 1);

    public static async Task EnsureAsync(bool postgres, bool redis, bool chromium, LogSink log, CancellationToken cancellationToken = default)
    {
        await OneInstallAtATime.WaitAsync(cancellationToken);
        try
        {
            var missing = new List<string>();
            if (postgres && PostgresServer.FindBinDirectory() is null)
            {
                missing.Add("postgresql");
            }

            if (redis && Native.FindOnPath("redis-server") is null)
            {
                missing.Add("redis-server");
            }

            if (chromium && !File.Exists(ChromiumPath))
            {
                missing.Add("chromium");
            }

            if (missing.Count == 0)
            {
                return;
            }

            log("setup", $"Installing {string.Join(", ", missing)} from Debian packages (apt-get)...");
            if (Native.IsRoot && missing.Contains("postgresql"))
            {
                // The package would otherwise create and start a system-wide cluster on 5432; we run our own.
                Directory.CreateDirectory("/etc/postgresql-common");
                const string conf = "/etc/postgresql-common/createcluster.conf";
                if (!File.Exists(conf))
                {
                    await File.WriteAllTextAsync(conf, "create_main_cluster = false\n", cancellationToken);
                }
            }

            var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await AptAsync(["update", "-q"], environment, log, cancellationToken);
            await AptAsync(["install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", .. missing], environment, log, cancellationToken);
        }
        finally
        {
            OneInstallAtATime.Release();
        }
    }

    private static async Task AptAsync(string[] arguments, Dictionary<string, string?> environment, LogSink log, CancellationToken cancellationToken)
    {
        var (fileName, fullArguments) = Native.IsRoot
            ? ("apt-get", arguments)
            : ("sudo", ["-n", "apt-get", .. arguments]);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await ResourceProcess.RunAsync(fileName, fullArguments, environment, cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            (exitCode, output) = (-1, e.Message);
        }

        if (exitCode != 0)
        {
            log("setup", output);
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', fullArguments)}' failed (exit {exitCode}). Install postgresql, redis-server and chromium yourself, or run as root.");
        }
    }
}
