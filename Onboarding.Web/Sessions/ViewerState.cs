using System.Collections.Immutable;
using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>A session's metadata as of the newest read, in the viewer's terms.</summary>
public sealed record SessionSummary(
    string SessionId,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    bool Claimed,
    string? ClaimedBy,
    string? UserAgent,
    string? ProjectHint,
    long LastSeq)
{
    public static SessionSummary From(SessionView view) => new(
        view.SessionId,
        ViewerClock.FromEpochMs(view.OpenedAt) ?? DateTimeOffset.UnixEpoch,
        ViewerClock.FromEpochMs(view.ExpiresAt) ?? DateTimeOffset.MaxValue,
        view.Claimed,
        view.ClaimedBy,
        view.UserAgent,
        view.ProjectHint,
        view.LastSeq);
}

/// <summary>How new events reach the viewer right now.</summary>
/// <param name="Push">True when a Redis notification wakes the viewer; it then only polls as a safety net.</param>
/// <param name="PollEvery">How often it reads the Api without being told to.</param>
public sealed record UpdateMode(bool Push, TimeSpan PollEvery);

/// <summary>
/// Everything the viewer page shows at one moment. It is replaced as a whole, so a render never sees half
/// an update even though reads run off the renderer's thread.
/// </summary>
public sealed record ViewerState(
    SessionSummary? Session,
    TimelineWindow Window,
    ChainStatus Chain,
    SessionReadFailure? Failure,
    string? Token,
    UpdateMode Mode)
{
    public static ViewerState Loading(string? token) =>
        new(null, TimelineWindow.Empty, ChainStatus.Empty, null, token, new UpdateMode(false, LiveSession.VisiblePoll));

    /// <summary>The events the viewer holds: the window, oldest first.</summary>
    public ImmutableArray<SessionEventView> Events => Window.Events;

    /// <summary>How many events are newer than the window when it is not at the tip.</summary>
    public long NewerWaiting => Window.AtTip || Session is null ? 0 : Math.Max(0, Session.LastSeq - Window.LastSeq);

    /// <summary>The link or the session is gone for good: no more reads.</summary>
    public bool IsFinal => Failure is SessionReadFailure.TokenInvalid or SessionReadFailure.SessionNotFound or SessionReadFailure.SessionExpired;
}
