using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// Adds Postgres as an executable resource: the shape of Aspire's <c>AddPostgres</c>/<c>AddDatabase</c>, for a machine
/// where Postgres is a Debian package instead of a container image.
/// </summary>
public static class PostgresServerExtensions
{
    /// <summary>
    /// A Postgres server keeping its data in <paramref name="dataDirectory"/> (initialised on first start), on
    /// <paramref name="port"/> (null: any free port), with a generated password kept in the AppHost's user secrets.
    /// <paramref name="durable"/> off trades crash safety for speed (tests' throwaway data): <c>fsync</c> goes, never
    /// <c>synchronous_commit</c>, so an acknowledged write is still committed.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory, int? port, bool durable = true)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            Prerequisites.EnsureAsync(postgres: true, redis: false, chromium: false, Console.WriteLine).GetAwaiter().GetResult();
            dataDirectory = SystemUser.PrepareDataDirectory(dataDirectory);
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var server = new PostgresServerResource(name, Prerequisites.PostgresBinDirectory ?? "/usr/lib/postgresql/15/bin", dataDirectory, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (@event, cancellationToken) =>
            InitialiseAsync(server, @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server), cancellationToken));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (@event, cancellationToken) =>
            CreateDatabasesAsync(server, Maintenance(connectionString), @event.Services, cancellationToken));

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => Maintenance(connectionString), name: healthCheck);

        return builder.AddResource(server)
            .WithEndpoint(port: port, name: PostgresServerResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in SystemUser.Arguments(Path.Combine(server.BinDirectory, "postgres")))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(server.DataDirectory);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in Settings(durable))
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithHealthCheck(healthCheck);
    }

    /// <summary>A database the server creates when it first becomes healthy; it is healthy once it accepts connections.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, [ResourceName] string name)
    {
        var database = new PostgresDatabaseResource(name, name, builder.Resource);
        builder.Resource.Databases.Add(database);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var healthCheck = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => Unpooled(connectionString), name: healthCheck);
        return builder.ApplicationBuilder.AddResource(database)
            .WithInitialState(new() { ResourceType = "PostgresDatabase", Properties = [], State = KnownResourceStates.Waiting })
            .WithHealthCheck(healthCheck);
    }

    private static string[] Settings(bool durable) =>
    [
        "listen_addresses=127.0.0.1",
        "unix_socket_directories=",
        "max_connections=300",
        // A 202 means committed: synchronous_commit stays on whatever the durability.
        "synchronous_commit=on",
        .. durable ? ["fsync=on", "full_page_writes=on"] : new[] { "fsync=off", "full_page_writes=off" },
    ];

    private static async Task InitialiseAsync(PostgresServerResource server, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        logger.LogInformation("Initialising a new cluster in {DataDirectory}.", server.DataDirectory);
        // initdb reads the password from a file the postgres user can read; it is deleted straight after.
        var passwordFile = Path.Combine(Path.GetTempPath(), "onboarding-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var privateFile = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var writer = new StreamWriter(passwordFile, Encoding.ASCII, privateFile))
        {
            await writer.WriteAsync(await server.PasswordParameter.GetValueAsync(cancellationToken));
        }

        try
        {
            await SystemUser.HandOverAsync(passwordFile, cancellationToken);
            var initdb = Path.Combine(server.BinDirectory, "initdb");
            var (exitCode, output) = await Prerequisites.RunAsync(
                SystemUser.Command(initdb),
                [.. SystemUser.Arguments(initdb), "-D", server.DataDirectory, "-U", PostgresServerResource.UserName, "-A", "scram-sha-256",
                    "--pwfile", passwordFile, "-E", "UTF8", "--no-locale"],
                cancellationToken);
            logger.LogInformation("{Output}", output);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed (exit {exitCode}): {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabasesAsync(PostgresServerResource server, string connectionString, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var database in server.Databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database.DatabaseName } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                services.GetRequiredService<ResourceLoggerService>().GetLogger(server).LogInformation("Created database {Database}.", database.DatabaseName);
            }

            // The orchestrator tracks only the server process: the database's state is ours to publish, or it stays "Waiting".
            await notifications.PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
                Properties = [.. state.Properties, new("postgres.database", database.DatabaseName)],
            });
        }
    }

    private static string Maintenance(string? connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString ?? throw new InvalidOperationException("The Postgres connection string is not known yet."))
        {
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;

    // An idle pooled connection of the AppHost's own would hold Postgres' shutdown open.
    private static string Unpooled(string? connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString ?? throw new InvalidOperationException("The database connection string is not known yet."))
        {
            Pooling = false,
        }.ConnectionString;
}
