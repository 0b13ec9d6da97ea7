using System.Globalization;
using StackExchange.Redis;

namespace Onboarding.AppHost.Hosting;

/// <summary>An embedded Redis on loopback with a password; append-only persistence unless ephemeral.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string[] _command;
    private readonly LogSink _log;
    private ResourceProcess _process;

    private RedisServer(string[] command, LogSink log, int port, string password)
    {
        _command = command;
        _log = log;
        _process = Start(command, log);
        Port = port;
        ConnectionString = $"127.0.0.1:{port},password={password}";
    }

    public int Port { get; }

    /// <summary>The <c>ConnectionStrings__redis</c> value for the services.</summary>
    public string ConnectionString { get; }

    public static async Task<RedisServer> StartAsync(
        string dataDirectory, int port, string password, bool ephemeral, LogSink log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var redisServer = Native.FindOnPath("redis-server") ?? throw new InvalidOperationException("redis-server is not installed.");
        Directory.CreateDirectory(dataDirectory);
        string[] command =
        [
            redisServer,
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--requirepass", password,
            "--daemonize", "no",
            "--dir", Path.GetFullPath(dataDirectory),
            "--save", "",
            "--appendonly", ephemeral ? "no" : "yes",
        ];
        var server = new RedisServer(command, log, port, password);
        await server.WaitUntilReadyAsync(timeout, cancellationToken);
        return server;
    }

    public async Task StopAsync()
    {
        _process.Terminate();
        await _process.WaitOrKillAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Starts it again after <see cref="StopAsync"/> (same port, password and data), as an operator would.</summary>
    public async Task StartAgainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _process.DisposeAsync();
        _process = Start(_command, _log);
        await WaitUntilReadyAsync(timeout, cancellationToken);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static ResourceProcess Start(string[] command, LogSink log) => ResourceProcess.Start("redis", command[0], command[1..], log);

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 1000;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Redis exited with code {_process.Exited.Result} while starting; see the redis lines above.");
            }

            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return;
            }
            // Not up yet, or up and still reading its append-only file back ("LOADING …"): ask again.
            catch (Exception e) when (NotReadyYet(e) && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    private static bool NotReadyYet(Exception e) =>
        e is RedisConnectionException || (e is RedisServerException && e.Message.StartsWith("LOADING", StringComparison.Ordinal));
}
