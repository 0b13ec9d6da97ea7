namespace Onboarding.AppHost.Hosting;

/// <summary>
/// What the launcher starts and where. Bound from the command line (<c>--api-port 5081</c>) and from
/// environment variables prefixed <c>ONBOARDING_</c> (<c>ONBOARDING_WORKERS=3</c>).
/// </summary>
public sealed class AppHostOptions
{
    /// <summary>Port of the first Api replica; further replicas take the next ports. 0 picks free ports.</summary>
    public int ApiPort { get; set; } = 5080;

    public int ApiReplicas { get; set; } = 1;

    /// <summary>Port of the first Web replica; further replicas take the next ports. 0 picks free ports.</summary>
    public int WebPort { get; set; } = 5090;

    public int WebReplicas { get; set; } = 1;

    /// <summary>Worker replicas; each serves its health endpoints from <see cref="WorkerPort"/> upwards.</summary>
    public int Workers { get; set; } = 1;

    public int WorkerPort { get; set; } = 5100;

    /// <summary>Port of the embedded Postgres. 0 picks a free port.</summary>
    public int PostgresPort { get; set; } = 5433;

    /// <summary>Port of the embedded Redis. 0 picks a free port.</summary>
    public int RedisPort { get; set; } = 6380;

    /// <summary>An external Postgres connection string; the embedded one is not started when set.</summary>
    public string? Postgres { get; set; }

    /// <summary>An external Redis connection string; the embedded one is not started when set.</summary>
    public string? Redis { get; set; }

    /// <summary>Where embedded data and generated local secrets live (git-ignored); kept between runs unless <see cref="Ephemeral"/>.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Test mode: Redis keeps nothing on disk and the data directory is the caller's to delete.</summary>
    public bool Ephemeral { get; set; }

    /// <summary>Which services to launch; tests that host the Api in-process start only the infrastructure.</summary>
    public bool StartServices { get; set; } = true;

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> of the launched services.</summary>
    public string Environment { get; set; } = "Development";

    /// <summary>
    /// Extra configuration for every launched service, as environment variables (<c>Email__Resend__BaseUrl</c>).
    /// Tests use it; from a shell, plain environment variables reach the services anyway.
    /// </summary>
    public Dictionary<string, string?> ServiceSettings { get; init; } = [];

    /// <summary>How long a resource may take to become healthy.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Short command-line switches for the common settings.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--api-port"] = nameof(ApiPort),
        ["--api-replicas"] = nameof(ApiReplicas),
        ["--web-port"] = nameof(WebPort),
        ["--web-replicas"] = nameof(WebReplicas),
        ["--workers"] = nameof(Workers),
        ["--worker-port"] = nameof(WorkerPort),
        ["--postgres-port"] = nameof(PostgresPort),
        ["--redis-port"] = nameof(RedisPort),
        ["--postgres"] = nameof(Postgres),
        ["--redis"] = nameof(Redis),
        ["--data-dir"] = nameof(DataDirectory),
        ["--environment"] = nameof(Environment),
    };
}
