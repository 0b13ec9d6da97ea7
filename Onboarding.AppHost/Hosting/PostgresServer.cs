using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// An embedded Postgres from the OS's binaries: initialised once in its data directory, run in the
/// foreground as a child (as the <c>postgres</c> user when we are root, since Postgres refuses root),
/// listening on loopback TCP only, stopped with a fast shutdown.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string DatabaseName = "onboardingdb";
    private const string SystemUser = "postgres";

    private readonly string _bin;
    private readonly string _dataDirectory;
    private readonly LogSink _log;
    private ResourceProcess? _process;
    private string[] _arguments = [];

    private PostgresServer(string bin, string dataDirectory, int port, string password, LogSink log)
    {
        _bin = bin;
        _dataDirectory = dataDirectory;
        Port = port;
        _log = log;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = password,
            Database = DatabaseName,
        }.ConnectionString;
    }

    public int Port { get; }

    /// <summary>The <c>ConnectionStrings__onboardingdb</c> value for the services.</summary>
    public string ConnectionString { get; }

    /// <summary>The newest installed Postgres' bin directory (Debian: /usr/lib/postgresql/N/bin), or null.</summary>
    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    /// <summary>Initialises the data directory if needed, starts the server and waits until it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync(
        string dataDirectory, int port, string password, bool ephemeral, LogSink log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("Postgres is not installed (expected /usr/lib/postgresql/N/bin).");
        dataDirectory = await PrepareDataDirectoryAsync(Path.GetFullPath(dataDirectory), log, cancellationToken);
        var server = new PostgresServer(bin, dataDirectory, port, password, log);
        await server.InitialiseAsync(cancellationToken);
        await server.StopLeftoverAsync(cancellationToken);

        string[] settings =
        [
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
            // A 202 means committed: synchronous_commit stays on. fsync only goes for throwaway test data.
            "-c", "synchronous_commit=on",
            .. (ephemeral ? ["-c", "fsync=off", "-c", "full_page_writes=off"] : Array.Empty<string>()),
        ];
        server._arguments = ["-D", dataDirectory, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. settings];
        server._process = server.StartAsPostgres("postgres", "postgres", server._arguments);
        await server.WaitUntilReadyAsync(timeout, cancellationToken);
        await server.CreateDatabaseAsync(cancellationToken);
        return server;
    }

    /// <summary>Stops with a fast shutdown (disconnects clients, no recovery needed on the next start).</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        await using var stop = StartAsPostgres("postgres", "pg_ctl", ["stop", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "30"]);
        await stop.Exited.WaitAsync(TimeSpan.FromSeconds(40));
        await _process.WaitOrKillAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>A fast restart in place, as an operator would do it; connections are cut.</summary>
    public async Task RestartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await StopAsync();
        _process = StartAsPostgres("postgres", "postgres", _arguments);
        await WaitUntilReadyAsync(timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private ResourceProcess StartAsPostgres(string name, string program, string[] arguments)
    {
        var path = Path.Combine(_bin, program);
        return Native.IsRoot
            ? ResourceProcess.Start(name, "runuser", ["-u", SystemUser, "--", path, .. arguments], _log)
            : ResourceProcess.Start(name, path, arguments, _log);
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            return;
        }

        // The password file must be readable by the user initdb runs as; it is deleted straight after.
        var passwordFile = Path.Combine(Path.GetTempPath(), "onboarding-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var privateFile = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var writer = new StreamWriter(passwordFile, Encoding.ASCII, privateFile))
        {
            await writer.WriteAsync(new NpgsqlConnectionStringBuilder(ConnectionString).Password);
        }

        try
        {
            await ChownToPostgresAsync(passwordFile, cancellationToken);
            await using var initdb = StartAsPostgres("postgres", "initdb",
                ["-D", _dataDirectory, "-U", "postgres", "-A", "scram-sha-256", "--pwfile", passwordFile, "-E", "UTF8", "--no-locale", "--no-sync"]);
            var exitCode = await initdb.Exited.WaitAsync(cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed (exit {exitCode}); see the postgres lines above.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>A server left running by a launcher that was killed holds the data directory; stop it first.</summary>
    private async Task StopLeftoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            return;
        }

        await using var status = StartAsPostgres("postgres", "pg_ctl", ["status", "-D", _dataDirectory]);
        if (await status.Exited.WaitAsync(cancellationToken) == 0)
        {
            _log("postgres", "Stopping a server left running by an earlier launcher.");
            await using var stop = StartAsPostgres("postgres", "pg_ctl", ["stop", "-D", _dataDirectory, "-m", "fast", "-w"]);
            await stop.Exited.WaitAsync(cancellationToken);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var maintenance = MaintenanceConnectionString;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Postgres exited with code {_process.Exited.Result} while starting; see the postgres lines above.");
            }

            try
            {
                await using var connection = new NpgsqlConnection(maintenance);
                await connection.OpenAsync(deadline.Token);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    /// <summary>Creates the application database once, so nothing probes for a database that is not there yet.</summary>
    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private string MaintenanceConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>
    /// As root, the data directory must belong to the postgres user and be reachable by it. A repository under a
    /// private home (e.g. /root) is not, so the data then lives under /var/lib/onboarding instead, and we say so.
    /// </summary>
    private static async Task<string> PrepareDataDirectoryAsync(string dataDirectory, LogSink log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        if (!Native.IsRoot)
        {
            return dataDirectory;
        }

        await ChownToPostgresAsync(dataDirectory, cancellationToken);
        var (reachable, _) = await ResourceProcess.RunAsync("runuser", ["-u", SystemUser, "--", "test", "-w", dataDirectory], cancellationToken: cancellationToken);
        if (reachable == 0)
        {
            return dataDirectory;
        }

        var fallback = Path.Combine("/var/lib/onboarding", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12], "postgres");
        log("postgres", $"The postgres user cannot reach {dataDirectory}; keeping the data in {fallback} instead.");
        Directory.CreateDirectory(fallback);
        await ChownToPostgresAsync(fallback, cancellationToken);
        return fallback;
    }

    private static async Task ChownToPostgresAsync(string path, CancellationToken cancellationToken)
    {
        if (!Native.IsRoot)
        {
            return;
        }

        var (exitCode, output) = await ResourceProcess.RunAsync("chown", ["-R", $"{SystemUser}:{SystemUser}", path], cancellationToken: cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Could not hand {path} to the postgres user: {output}");
        }

        if (Directory.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
