using Microsoft.Extensions.DependencyInjection;

namespace Onboarding.AppHost.Hosting;

/// <summary>Adds Redis as an executable resource: the shape of Aspire's <c>AddRedis</c>, without a container engine.</summary>
public static class RedisServerExtensions
{
    /// <summary>
    /// A Redis server on <paramref name="port"/> (null: any free port) with a generated password kept in the AppHost's
    /// user secrets; <paramref name="durable"/> keeps an append-only file in <paramref name="dataDirectory"/>.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory, int? port, bool durable = true)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            Prerequisites.EnsureAsync(postgres: false, redis: true, chromium: false, Console.WriteLine).GetAwaiter().GetResult();
        }

        dataDirectory = Path.GetFullPath(dataDirectory);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var server = new RedisServerResource(name, Prerequisites.FindOnPath("redis-server") ?? "redis-server", dataDirectory, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(server.DataDirectory);
            await File.WriteAllTextAsync(server.ConfigurationFile, "", cancellationToken);
            File.SetUnixFileMode(server.ConfigurationFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await File.WriteAllLinesAsync(server.ConfigurationFile,
            [
                $"port {await server.PrimaryEndpoint.Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken)}",
                "bind 127.0.0.1",
                "protected-mode yes",
                $"requirepass \"{await server.PasswordParameter.GetValueAsync(cancellationToken)}\"",
                "daemonize no",
                $"dir \"{server.DataDirectory}\"",
                "save \"\"",
                $"appendonly {(durable ? "yes" : "no")}",
            ], cancellationToken);
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The Redis connection string is not known yet."), name: healthCheck);

        return builder.AddResource(server)
            .WithEndpoint(port: port, name: RedisServerResource.EndpointName, isProxied: false)
            .WithArgs(server.ConfigurationFile)
            .WithHealthCheck(healthCheck);
    }
}
