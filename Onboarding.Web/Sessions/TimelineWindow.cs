using System.Collections.Immutable;
using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>
/// The stretch of a session's chain a viewer holds: contiguous events, oldest first, never more than
/// <see cref="MaxEvents"/>, so a circuit costs the same whatever the session's length. It either reaches the tip
/// (<see cref="AtTip"/>), where new events join it, or lies somewhere older, with the newer events left to read.
/// </summary>
public sealed record TimelineWindow(ImmutableArray<SessionEventView> Events, bool AtTip)
{
    /// <summary>What one read for the window asks for: about two screens of cards.</summary>
    public const int PageSize = 50;

    /// <summary>Three pages: one on screen and one either side of it, whichever way the reader scrolls.</summary>
    public const int MaxEvents = 3 * PageSize;

    public static readonly TimelineWindow Empty = new([], AtTip: true);

    public long FirstSeq => Events.IsEmpty ? 0 : Events[0].Seq;

    public long LastSeq => Events.IsEmpty ? 0 : Events[^1].Seq;

    /// <summary>Older events exist before the window (sequence numbers start at 1 and have no gaps).</summary>
    public bool HasOlder => FirstSeq > 1;

    /// <summary>The tip's page, read with <see cref="EventRange.Newest"/>.</summary>
    public static TimelineWindow AtTheTip(IReadOnlyList<SessionEventView> events) => new([.. events], AtTip: true);

    /// <summary>A page read from somewhere older; it reaches the tip when nothing newer exists.</summary>
    public static TimelineWindow From(IReadOnlyList<SessionEventView> events, long lastSeq) =>
        new([.. events], AtTip: events.Count == 0 || events[^1].Seq >= lastSeq);

    /// <summary>
    /// New events at the tip. A reader following the tip keeps the newest <see cref="MaxEvents"/>; one reading further up
    /// keeps what is on screen, and the window leaves the tip once it is full.
    /// </summary>
    public TimelineWindow WithNew(IReadOnlyList<SessionEventView> events, bool following)
    {
        var fresh = events.Where(e => e.Seq > LastSeq).ToList();
        if (!AtTip || fresh.Count == 0 || (!Events.IsEmpty && fresh[0].Seq != LastSeq + 1))
        {
            // Not contiguous with the window (or not at the tip): the reader asks for newer events when they get there.
            return fresh.Count == 0 ? this : this with { AtTip = false };
        }

        if (following)
        {
            var joined = Events.AddRange(fresh);
            return this with { Events = joined.Length > MaxEvents ? joined[^MaxEvents..] : joined };
        }

        var room = MaxEvents - Events.Length;
        return room >= fresh.Count
            ? this with { Events = Events.AddRange(fresh) }
            : new TimelineWindow(Events.AddRange(fresh.Take(Math.Max(room, 0))), AtTip: false);
    }

    /// <summary>A page of older events before the window; the newest are let go when it is full.</summary>
    public TimelineWindow WithOlder(IReadOnlyList<SessionEventView> events)
    {
        var older = events.Where(e => e.Seq < FirstSeq).ToList();
        if (older.Count == 0 || older[^1].Seq != FirstSeq - 1)
        {
            return this;
        }

        var joined = Events.InsertRange(0, older);
        return joined.Length > MaxEvents ? new TimelineWindow(joined[..MaxEvents], AtTip: false) : this with { Events = joined };
    }

    /// <summary>A page of newer events after the window; the oldest are let go when it is full.</summary>
    public TimelineWindow WithNewer(IReadOnlyList<SessionEventView> events, long lastSeq)
    {
        var newer = events.Where(e => e.Seq > LastSeq).ToList();
        if (newer.Count == 0 || newer[0].Seq != LastSeq + 1)
        {
            return this with { AtTip = AtTip || LastSeq >= lastSeq };
        }

        var joined = Events.AddRange(newer);
        return new TimelineWindow(joined.Length > MaxEvents ? joined[^MaxEvents..] : joined, AtTip: joined[^1].Seq >= lastSeq);
    }
}
