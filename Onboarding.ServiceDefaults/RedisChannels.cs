using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every Redis pub/sub channel the services share, named once: a publisher and its subscribers in other processes
/// must agree on the name. What travels on them may be lost; each subscriber catches up by reading (docs/architecture.md).
/// </summary>
public static class RedisChannels
{
    private const string SessionPrefix = "onboarding:sessions:";
    private const string RunPrefix = "onboarding:runs:";

    /// <summary>A session's newest sequence number, published by the Api after each commit; the Web's viewers listen.</summary>
    public static RedisChannel Session(string sessionId) => RedisChannel.Literal(SessionPrefix + sessionId);

    /// <summary>A run's id, published by the Worker after each status it writes; the Api's status stream listens.</summary>
    public static RedisChannel Run(string runId) => RedisChannel.Literal(RunPrefix + runId);

    /// <summary>Every run's channel at once.</summary>
    public static RedisChannel AllRuns { get; } = RedisChannel.Pattern(RunPrefix + "*");

    /// <summary>The run a message of <see cref="AllRuns"/> is about.</summary>
    public static string RunOf(RedisChannel channel) => channel.ToString()[RunPrefix.Length..];

    /// <summary>The id of an API key just revoked, published by the Api instance that revoked it; every instance evicts it.</summary>
    public static RedisChannel ApiKeyRevocations { get; } = RedisChannel.Literal("onboarding:api-keys:revoked");
}
