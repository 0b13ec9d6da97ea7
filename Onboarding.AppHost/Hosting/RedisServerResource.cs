namespace Onboarding.AppHost.Hosting;

/// <summary>
/// A Redis server run by the orchestrator as an executable from the machine's own <c>redis-server</c>, on loopback,
/// password-protected, its configuration and append-only file in <see cref="DataDirectory"/>.
/// </summary>
public sealed class RedisServerResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The configuration file written before each start (it holds the password, so the command line does not).</summary>
    public string ConfigurationFile => Path.Combine(DataDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
