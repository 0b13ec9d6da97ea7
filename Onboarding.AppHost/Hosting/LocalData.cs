using Microsoft.Extensions.Configuration;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// Where and how the local Postgres and Redis keep their data, from the <c>LocalData</c> configuration section:
/// <c>Directory</c> (default <c>.data</c> at the repository's root, git-ignored), <c>Durable</c> (default true:
/// fsync and the append-only file on), <c>PostgresPort</c> and <c>RedisPort</c> (5433 and 6380; 0 for any free port).
/// </summary>
public sealed record LocalData(string Directory, bool Durable, int? PostgresPort, int? RedisPort)
{
    public static LocalData From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(nameof(LocalData));
        return new(
            Path.GetFullPath(section[nameof(Directory)] ?? Path.Combine(builder.AppHostDirectory, "..", ".data")),
            section.GetValue(nameof(Durable), true),
            Port(section, nameof(PostgresPort), 5433),
            Port(section, nameof(RedisPort), 6380));
    }

    public string Of(string resource) => Path.Combine(Directory, resource);

    private static int? Port(IConfigurationSection section, string key, int standard) =>
        section.GetValue(key, standard) is var port and not 0 ? port : null;
}
