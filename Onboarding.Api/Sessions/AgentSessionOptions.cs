using System.ComponentModel.DataAnnotations;

namespace Onboarding.Api.Sessions;

/// <summary>The public session surface's settings, bound from the <c>Onboarding</c> section.</summary>
public sealed class AgentSessionOptions
{
    public const string SectionName = "Onboarding";

    /// <summary>Base address of the Web app; <c>view_url</c> and claim links are built from it, never from the request's Host.</summary>
    [Required, Url]
    public string PublicWebUrl { get; set; } = "";

    /// <summary>How long an unclaimed session lives (the session contract: 30 days).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Lifetime of the fresh token each viewer read hands back for the address bar.</summary>
    public TimeSpan RotatedViewTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Require the session's <c>write_token</c> on appends and claims. Only for agents written strictly to
    /// the session contract, where the session id alone is the write capability (docs/api/README.md).
    /// </summary>
    public bool RequireWriteToken { get; set; } = true;

    [Range(1, 1000)]
    public int MaxEventsPerBatch { get; set; } = 100;

    /// <summary>Largest event payload, in UTF-8 bytes of its compact JSON (the session contract: 64 KB).</summary>
    [Range(1, 1 << 20)]
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>Largest append request body.</summary>
    [Range(1024, 64 << 20)]
    public int MaxAppendRequestBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Most events one read returns, and what a read without <c>limit</c> gets. Reading without a limit returned up to
    /// this many before paging existed, so clients written to the seed's read see no change; the viewer asks for less.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxEventsPerRead { get; set; } = 1000;

    /// <summary>
    /// Most payload bytes one read returns (a page still holds one event larger than this), so a read of 1,000 events of
    /// 64 KB each is not 64 MB in one answer; <c>has_more</c> leads on as for <see cref="MaxEventsPerRead"/>.
    /// </summary>
    [Range(1, 1 << 30)]
    public int MaxBytesPerRead { get; set; } = 1 << 20;

    /// <summary>
    /// Most events one session holds. A write that would pass it is refused with 409 <c>session_full</c>; the server's own
    /// <c>onboarding.claimed</c> is still recorded. An onboarding is tens of events and a chatty agent's telemetry a few
    /// thousand; 20,000 is twice the long session the bench measures the viewer with, and bounds what one anonymous
    /// writer can store in a session (at most 20,000 × 64 KB).
    /// </summary>
    [Range(2, 10_000_000)]
    public int MaxEventsPerSession { get; set; } = 20_000;

    /// <summary>
    /// Loops that commit appends (see <c>AppendCommitter</c>), each on a connection of its own. One is best where a commit
    /// reaches the disk quickly: fewer, larger commits. More may help where the disk is slow, so the next batch is written
    /// while one waits for its commit (measure with the bench's <c>--set Onboarding__AppendCommitters=N</c>).
    /// </summary>
    [Range(1, 16)]
    public int AppendCommitters { get; set; } = 1;

    /// <summary>Most append requests one commit takes.</summary>
    [Range(1, 1000)]
    public int MaxAppendsPerCommit { get; set; } = 100;
}
