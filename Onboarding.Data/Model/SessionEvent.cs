namespace Onboarding.Data.Model;

/// <summary>One link of a session's event chain.</summary>
public class SessionEvent
{
    public required string SessionId { get; init; }

    /// <summary>1-based, gap-free within a session.</summary>
    public long Seq { get; init; }

    public required string Type { get; init; }

    /// <summary>The agent's timestamp, epoch milliseconds.</summary>
    public long Ts { get; init; }

    /// <summary>The payload exactly as hashed: compact JSON, stored in a <c>json</c> column so its bytes are kept.</summary>
    public required string Payload { get; init; }

    /// <summary>SHA-256 over the previous hash and this event (see <c>EventChain</c>).</summary>
    public required byte[] Hash { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }
}
