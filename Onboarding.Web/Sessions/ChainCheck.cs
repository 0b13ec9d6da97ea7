using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>
/// Verifies a session's whole chain page by page, carrying the running hash: each page's JSON is checked as it is parsed
/// (<see cref="ChainPages"/>) and let go, and only each event's 32-byte hash is kept, to confirm the copies the viewer
/// shows. Events the viewer has just read at the tip are offered here too, and taken when they continue what is
/// verified, so keeping up with a live session needs no second read; nothing verified is verified again.
/// </summary>
public sealed class ChainCheck(string sessionId)
{
    /// <summary>Events per verification read: a few pages of the window's size, bounded so a read's JSON stays small.</summary>
    public const int PageSize = 250;

    private readonly ChainVerifier _verifier = new(sessionId);
    private readonly Lock _gate = new();

    // The copies on screen already confirmed, so a render of the same window hashes nothing again; at most a window's worth.
    private HashSet<SessionEventView> _confirmed = new(ReferenceEqualityComparer.Instance);

    public ChainStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _verifier.Status;
            }
        }
    }

    /// <summary>Takes events read elsewhere when they continue the verified chain; others wait for <see cref="ReadOnAsync"/>.</summary>
    public ChainStatus Offer(IReadOnlyList<SessionEventView> events)
    {
        lock (_gate)
        {
            var next = events.SkipWhile(e => e.Seq <= _verifier.Status.VerifiedCount).ToList();
            if (next.Count > 0 && next[0].Seq == _verifier.Status.VerifiedCount + 1)
            {
                _verifier.Append(next);
            }

            return _verifier.Status;
        }
    }

    /// <summary>
    /// Confirms the events on screen against the verified chain, each copy once: an Api that verified one chain and
    /// showed another is caught as soon as verification reaches what it showed.
    /// </summary>
    public ChainStatus Confirm(IReadOnlyList<SessionEventView> shown)
    {
        lock (_gate)
        {
            var confirmed = new HashSet<SessionEventView>(ReferenceEqualityComparer.Instance);
            foreach (var e in shown)
            {
                if (_confirmed.Contains(e) || (e.Seq <= _verifier.Status.VerifiedCount && !_verifier.Confirm(e).IsBroken))
                {
                    confirmed.Add(e);
                }
            }

            _confirmed = confirmed;
            return _verifier.Status;
        }
    }

    /// <summary>
    /// Reads and verifies the events after the verified ones up to <paramref name="lastSeq"/>, reporting after each page;
    /// <paramref name="read"/> hands each page's JSON to the verifier, which keeps nothing of it but the hashes.
    /// Returns the read's failure when one stopped it (it carries on from there next time), else null.
    /// </summary>
    public async Task<SessionRead?> ReadOnAsync(
        Func<EventRange, Func<ReadOnlySpan<byte>, ChainPage?>, CancellationToken, Task<(ChainPage? Page, SessionRead? Failure)>> read,
        long lastSeq, Func<ChainStatus, Task> progress, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _verifier.Reserve(lastSeq);
        }

        while (Status is { IsBroken: false } status && status.VerifiedCount < lastSeq)
        {
            var (page, failure) = await read(EventRange.Following(status.VerifiedCount, PageSize), Verify, cancellationToken);
            if (page is not { } verified)
            {
                return failure;
            }

            if (verified.Events == 0)
            {
                // The session says it has more than it returns: that is for the next read to sort out, not a loop.
                return null;
            }

            await progress(Status);
        }

        return null;
    }

    // An offer may have verified part of the page meanwhile; the page's events before it are skipped.
    private ChainPage? Verify(ReadOnlySpan<byte> json)
    {
        lock (_gate)
        {
            return ChainPages.Verify(json, _verifier);
        }
    }
}
