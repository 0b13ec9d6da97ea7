using Onboarding.Web.Services;
using Onboarding.Web.Sessions;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// The workspace's onboarding journey as the home shows it, read whole each time: the agent session it was claimed
/// from, the website's latest scrape and every run, the context, and the latest founder interview (open, or else completed).
/// </summary>
public sealed record WorkspaceJourney(
    AgentSessionView? Agent,
    ScrapeSessionView? Onboarding,
    IReadOnlyList<RunView> Runs,
    ContextView? Context,
    InterviewStatus? Interview)
{
    public static readonly WorkspaceJourney Empty = new(null, null, [], null, null);
}

/// <summary>The parts of the journey a change may touch, so a notification reads only those.</summary>
[Flags]
public enum JourneyParts
{
    None = 0,
    Agent = 1,

    /// <summary>The latest scrape and the runs.</summary>
    Scrape = 2,
    Context = 4,
    Interview = 8,
    All = Agent | Scrape | Context | Interview,
}

/// <summary>What the home shows: the journey, how it is kept fresh (null while connecting), and the last problem reading it (the journey stays).</summary>
public sealed record JourneyState(WorkspaceJourney Journey, bool Loaded, UpdateMode? Mode, string? Problem, bool SignedOut)
{
    public static readonly JourneyState Loading = new(WorkspaceJourney.Empty, false, null, null, false);
}
