using Onboarding.Api.Infrastructure;

namespace Onboarding.Api.Sessions;

/// <summary>A session's chain tip as locked (or as last committed), moved along as a batch's events are appended to it.</summary>
internal sealed record ChainTip(byte[] WriteTokenHash, DateTimeOffset ExpiresAt, bool Claimed)
{
    public long LastSeq { get; set; }

    public required byte[] HeadHash { get; set; }

    /// <summary>Whether the batch appended to this chain.</summary>
    public bool Moved { get; set; }

    /// <summary>Why the session refuses a request of <paramref name="events"/> events, judged against this tip; null when it may append.</summary>
    public JsonHttpResult<ApiError>? Refusal(string? writeToken, int events, DateTimeOffset now, AgentSessionOptions options, int eventsAhead = 0)
    {
        if (options.RequireWriteToken && !Secrets.Matches(writeToken, WriteTokenHash))
        {
            return Errors.TokenInvalid();
        }

        if (!Claimed && now >= ExpiresAt)
        {
            return Errors.SessionExpired();
        }

        return LastSeq + eventsAhead + events > options.MaxEventsPerSession ? Errors.SessionFull(options.MaxEventsPerSession) : null;
    }

    /// <summary>Extends the chain by the events and adds their rows.</summary>
    public void Extend(string sessionId, IReadOnlyList<ValidatedEvent> events, EventRows rows, DateTimeOffset now)
    {
        foreach (var e in events)
        {
            LastSeq++;
            HeadHash = EventChain.Next(HeadHash, LastSeq, e.Type, e.Ts, e.Payload);
            rows.Add(sessionId, LastSeq, e, HeadHash, now);
        }

        Moved = true;
    }
}
