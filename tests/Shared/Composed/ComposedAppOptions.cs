using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Onboarding.Testing;

/// <summary>How a <see cref="ComposedApp"/> is composed: replicas, durability, the dashboard and extra service settings.</summary>
public sealed class ComposedAppOptions
{
    public int ApiReplicas { get; init; } = 1;

    public int WebReplicas { get; init; } = 1;

    public int Workers { get; init; } = 1;

    /// <summary>Postgres with fsync and Redis with its append-only file, as in production; off for throwaway test data.</summary>
    public bool Durable { get; init; }

    /// <summary>Starts the Aspire dashboard too (over http, on free ports), as a developer's run does.</summary>
    public bool Dashboard { get; init; }

    /// <summary>Installs Debian's Chromium as well when it is missing.</summary>
    public bool Chromium { get; init; }

    /// <summary>Settings of the AppHost itself (<c>ConnectionStrings:onboardingdb</c> for an external database), as the README's table names them.</summary>
    public Dictionary<string, string> AppHostSettings { get; init; } = [];

    /// <summary>Settings for every service (Api, Worker, Web), as environment variables (<c>Crawler__AllowPrivateNetworks</c>).</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Where Postgres and Redis keep their data. Null: a temporary folder, deleted with the composition; set,
    /// the folder is kept, and a composition started again with these same options finds its data (and passwords) there.</summary>
    public string? DataDirectory { get; init; }

    public string PostgresPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string RedisPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The signing key the Api and Worker share (the AppHost's <c>signing-key</c> parameter).</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string DashboardToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public int Replicas(string service) => service switch
    {
        "api" => ApiReplicas,
        "web" => WebReplicas,
        "worker" => Workers,
        _ => 1,
    };

    /// <summary>The AppHost settings the developer's launch profile gives, on free ports and with a known login token.</summary>
    internal string[] DashboardArguments() =>
    [
        $"ASPNETCORE_URLS=http://127.0.0.1:{FreePort()}",
        $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
        $"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
        "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        $"ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN={DashboardToken}",
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
