namespace Onboarding.AppHost.Hosting;

/// <summary>
/// A Postgres server run by the orchestrator as an executable from the machine's own binaries (there is no container
/// engine), listening on loopback TCP only, with its data in <see cref="DataDirectory"/>.
/// </summary>
public sealed class PostgresServerResource(string name, string binDirectory, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, SystemUser.Command(Path.Combine(binDirectory, "postgres")), dataDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string UserName = "postgres";

    private EndpointReference? _endpoint;

    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>Where the server's programs are (Debian: /usr/lib/postgresql/N/bin).</summary>
    public string BinDirectory { get; } = binDirectory;

    /// <summary>The databases to create once the server is up, by resource name.</summary>
    internal List<PostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when the server first becomes healthy.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithParent<PostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
