using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Onboarding.Api.Infrastructure;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;

namespace Onboarding.Api.Sessions;

/// <summary>
/// Opens sessions, appends to their chains and reads them. Appends to one session are serialised by a
/// row lock on the session, which holds the chain's tip; that is what keeps sequence numbers gap-free
/// and the hash chain linear under concurrent writers.
/// </summary>
public sealed class SessionService(
    OnboardingDbContext db,
    Idempotency idempotency,
    ViewTokens viewTokens,
    SessionNotifier notifier,
    AppendCommitter committer,
    TimeProvider time,
    IOptions<AgentSessionOptions> options)
{
    private const string WriteTokenPrefix = "wt_";
    private readonly AgentSessionOptions _options = options.Value;

    public async Task<Outcome<CreateSessionResponse>> CreateAsync(
        CreateSessionRequest request, IdempotencyRequest? idempotent, CancellationToken cancellationToken)
    {
        var outcome = await idempotency.CommitOnceAsync(
            idempotent, StatusCodes.Status200OK, Errors.IdempotencyKeyReused(), () => OpenAsync(request, cancellationToken), cancellationToken,
            recorded: response => response with { WriteToken = "" });
        if (outcome is not { Replayed: true, Value: { } replayed })
        {
            return outcome;
        }

        // The write token is never stored, so a replay issues a fresh one and revokes the first.
        var freshToken = Secrets.NewToken(WriteTokenPrefix);
        await db.AgentSessions.Where(s => s.Id == replayed.SessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.WriteTokenHash, Secrets.Hash(freshToken)), cancellationToken);
        return outcome with { Value = replayed with { WriteToken = freshToken } };
    }

    private async Task<Outcome<CreateSessionResponse>> OpenAsync(CreateSessionRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = Ids.NewSessionId();
        var writeToken = Secrets.NewToken(WriteTokenPrefix);
        var session = new AgentSession
        {
            Id = id,
            WriteTokenHash = Secrets.Hash(writeToken),
            UserAgent = request.UserAgent,
            ProjectHint = request.ProjectHint,
            OpenedAt = now,
            ExpiresAt = now + _options.SessionLifetime,
            HeadHash = EventChain.Genesis(id),
        };
        db.AgentSessions.Add(session);
        Activity.Current?.SetTag("onboarding.session_id", id);
        var openedPayload = JsonSerializer.Serialize(new CreateSessionRequest(request.UserAgent, request.ProjectHint), SessionOpenedJson);
        Append(session, [new ValidatedEvent(EventValidator.SessionOpened, now.ToUnixTimeMilliseconds(), openedPayload)], now);
        await db.SaveChangesAsync(cancellationToken);
        return new CreateSessionResponse(
            id, ViewUrl(id, viewTokens.Issue(id, session.TokenGeneration, expiresAt: null)), session.ExpiresAt.ToUnixTimeMilliseconds(), writeToken);
    }

    /// <summary>
    /// Appends share commits with concurrent appends to other sessions (<see cref="AppendCommitter"/>). One with an
    /// Idempotency-Key keeps a transaction of its own: its key is claimed in that transaction and may wait there for a
    /// concurrent first request, which would hold up everyone sharing the commit.
    /// </summary>
    public async Task<Outcome<AppendEventsResponse>> AppendAsync(
        string sessionId, string? writeToken, IReadOnlyList<ValidatedEvent> events, IdempotencyRequest? idempotent, CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag("onboarding.session_id", sessionId).SetTag("onboarding.events", events.Count);
        if (idempotent is null)
        {
            return await committer.AppendAsync(sessionId, writeToken, events);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (session, error) = await LockForWriteAsync(sessionId, writeToken, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var outcome = await idempotency.OnceAsync(
            idempotent, StatusCodes.Status202Accepted, Errors.IdempotencyKeyReused(), async Task<Outcome<AppendEventsResponse>> () =>
            {
                if (session!.LastSeq + events.Count > _options.MaxEventsPerSession)
                {
                    return Errors.SessionFull(_options.MaxEventsPerSession);
                }

                Append(session, events, time.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                return new AppendEventsResponse(events.Count);
            }, cancellationToken);
        if (outcome.Failure is not null || outcome.Replayed)
        {
            return outcome;
        }

        await transaction.CommitAsync(cancellationToken);
        await notifier.PublishAsync(sessionId, session!.LastSeq);
        return outcome;
    }

    public async Task<Outcome<SessionView>> ReadAsync(string sessionId, string? token, EventWindow window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The signature is checked before any query, so a bad token learns nothing about the session.
        if (viewTokens.Read(token, sessionId, now) is not { } claims)
        {
            return Errors.TokenInvalid();
        }

        var session = await db.AgentSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return Errors.SessionNotFound();
        }

        if (IsExpired(session, now))
        {
            return Errors.SessionExpired();
        }

        if (claims.Generation != session.TokenGeneration)
        {
            return Errors.TokenInvalid();
        }

        var (page, hasMore) = await EventPages.ReadAsync(db, sessionId, window, _options.MaxBytesPerRead, cancellationToken);
        var rotated = viewTokens.Issue(sessionId, session.TokenGeneration, now + _options.RotatedViewTokenLifetime);
        return new SessionView(
            session.Id,
            session.OpenedAt.ToUnixTimeMilliseconds(),
            session.ExpiresAt.ToUnixTimeMilliseconds(),
            session.ClaimedAt is not null,
            session.ClaimedByOrg,
            session.UserAgent,
            session.ProjectHint,
            session.LastSeq,
            page,
            hasMore,
            rotated,
            ViewUrl(sessionId, rotated));
    }

    /// <summary>Revokes every view token of the session and returns a new link.</summary>
    public async Task<Outcome<RevokeViewResponse>> RevokeViewTokensAsync(string sessionId, string? writeToken, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (session, error) = await LockForWriteAsync(sessionId, writeToken, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        session!.TokenGeneration++;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Open viewers re-read at once and learn that their link no longer works.
        await notifier.PublishAsync(sessionId, session.LastSeq);
        return new RevokeViewResponse(ViewUrl(sessionId, viewTokens.Issue(sessionId, session.TokenGeneration, expiresAt: null)));
    }

    /// <summary>Locks the session's row for the rest of the transaction; every writer of a session takes this lock first.</summary>
    internal async Task<AgentSession?> LockAsync(string sessionId, CancellationToken cancellationToken) =>
        (await db.AgentSessions
            .FromSql($"SELECT * FROM agent_sessions WHERE id = {sessionId} FOR UPDATE")
            .ToListAsync(cancellationToken)).SingleOrDefault();

    internal async Task<(AgentSession? Session, JsonHttpResult<ApiError>? Error)> LockForWriteAsync(
        string sessionId, string? writeToken, CancellationToken cancellationToken)
    {
        var session = await LockAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return (null, Errors.SessionNotFound());
        }

        if (_options.RequireWriteToken && !Secrets.Matches(writeToken, session.WriteTokenHash))
        {
            return (null, Errors.TokenInvalid());
        }

        return IsExpired(session, time.GetUtcNow()) ? (null, Errors.SessionExpired()) : (session, null);
    }

    /// <summary>Adds events to the chain of a session locked by <see cref="LockAsync"/>; the caller saves.</summary>
    internal void Append(AgentSession session, IReadOnlyList<ValidatedEvent> events, DateTimeOffset receivedAt)
    {
        foreach (var e in events)
        {
            var seq = ++session.LastSeq;
            session.HeadHash = EventChain.Next(session.HeadHash, seq, e.Type, e.Ts, e.Payload);
            db.SessionEvents.Add(new SessionEvent
            {
                SessionId = session.Id,
                Seq = seq,
                Type = e.Type,
                Ts = e.Ts,
                Payload = e.Payload,
                Hash = session.HeadHash,
                ReceivedAt = receivedAt,
            });
        }
    }

    internal static bool IsExpired(AgentSession session, DateTimeOffset now) => session.ClaimedAt is null && now >= session.ExpiresAt;

    private string ViewUrl(string sessionId, string token) =>
        $"{_options.PublicWebUrl.TrimEnd('/')}/onboarding/{sessionId}?t={token}";

    private static readonly JsonSerializerOptions SessionOpenedJson = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
