using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;
using Onboarding.Api.Sessions;
using Onboarding.Data.Model;

namespace Onboarding.Api.Apis;

/// <summary>The public agent-session surface (docs/api/sessions.md): open, append, read.</summary>
public static class SessionsApi
{
    private const int MaxCreateRequestBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/onboarding/sessions").WithTags("Agent sessions");

        api.MapPost("/", CreateSession)
            .WithName("CreateSession")
            .WithSummary("Open a new onboarding session")
            .WithDescription("Opens a public session for a coding agent. Returns the signed view_url to hand to the developer and a write_token that authorises appends and the claim. The server records onboarding.session_opened as the first event. Send an Idempotency-Key to make retries safe.")
            .Accepts<CreateSessionRequest>("application/json")
            .Produces<CreateSessionResponse>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity)
            .WithExamples(SessionExamples.CreateRequest, SessionExamples.CreateResponse);

        api.MapPost("/{sessionId}/events", AppendEvents)
            .WithName("AppendEvents")
            .WithSummary("Append events to a session")
            .WithDescription("Appends a batch of onboarding.* events. The batch is atomic: one invalid event refuses all, naming its index. Canonical types must carry their required payload fields; onboarding.session_opened and onboarding.claimed are emitted by the server only. A payload over 64 KB of UTF-8 JSON is refused with 413 event_too_large; a batch that would take the session past its maximum number of events (20,000 by default) with 409 session_full. 202 means the events are committed. Requires Authorization: Bearer <write_token>.")
            .Accepts<AppendEventsRequest>("application/json")
            .Produces<AppendEventsResponse>(StatusCodes.Status202Accepted)
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity)
            .WithExamples(SessionExamples.AppendRequest, SessionExamples.AppendResponse)
            .RequiresWriteToken()
            .RateLimitedPerIp("append", o => o.AppendPerIp, WhenRedisIsDown.LocalLimit);

        api.MapGet("/{sessionId}", ReadSession)
            .WithName("ReadSession")
            .WithSummary("Read a session and its event chain")
            .WithDescription("The viewer's read. Requires the token from view_url (or a rotated one) as t. Returns the session and a page of its events, oldest first: "
                + "without after or before, from the first event; with after=<seq>, the ones after it; with before=<seq>, the newest ones before it "
                + "(before=9223372036854775807 reads the newest events). limit caps the page (default and maximum 1000), as does 1 MiB of payloads (a larger event is a page of one); has_more says whether more lie in the direction read. "
                + "Each response carries a fresh view_token for the next read. Tampered, expired, revoked and other-session tokens all get 401 token_invalid.")
            .Produces<SessionView>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status410Gone)
            .WithExamples(null, SessionExamples.ReadResponse)
            .RequiresViewToken();

        api.MapPost("/{sessionId}/view-tokens/revoke", RevokeViewTokens)
            .WithName("RevokeViewTokens")
            .WithSummary("Revoke every viewer link of a session")
            .WithDescription("Invalidates view_url and every token rotated from it, and returns a new view_url. Requires Authorization: Bearer <write_token>.")
            .Produces<RevokeViewResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status410Gone)
            .RequiresWriteToken();

        return app;
    }

    public static async Task<Results<Ok<CreateSessionResponse>, JsonHttpResult<ApiError>>> CreateSession(
        HttpRequest request, [AsParameters] SessionServices services, CancellationToken cancellationToken)
    {
        var (read, bytes, error) = await JsonBody.ReadAsync<CreateSessionRequest>(request, MaxCreateRequestBytes, allowEmpty: true, options: null, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var (idempotent, keyError) = IdempotencyRequest.From(request, "sessions", bytes);
        if (keyError is not null)
        {
            return keyError;
        }

        var body = read ?? new CreateSessionRequest(null, null);
        if (body.UserAgent?.Length > 200 || body.ProjectHint?.Length > 500)
        {
            return Errors.InvalidRequest("user_agent is limited to 200 characters and project_hint to 500.");
        }

        var outcome = await services.Sessions.CreateAsync(body, idempotent, cancellationToken);
        return Respond<ApiError>.With(outcome, request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Results<Accepted<AppendEventsResponse>, JsonHttpResult<ApiError>>> AppendEvents(
        string sessionId, HttpRequest request, [AsParameters] SessionServices services, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(sessionId, Ids.SessionPrefix))
        {
            return Errors.SessionNotFound();
        }

        var options = services.Options.Value;
        var (document, bytes, error) = await JsonBody.ReadAsync(request, options.MaxAppendRequestBytes, allowEmpty: false, cancellationToken, EventValidator.PayloadPath);
        using var _ = document;
        if (error is not null)
        {
            return error;
        }

        var (idempotent, keyError) = IdempotencyRequest.From(request, "events:" + sessionId, bytes);
        if (keyError is not null)
        {
            return keyError;
        }

        var (events, rejection) = EventValidator.Validate(document!.RootElement, options.MaxEventsPerBatch, options.MaxEventBytes);
        if (rejection is not null)
        {
            return rejection.TooLarge ? Errors.EventTooLarge(rejection.Index, options.MaxEventBytes) : Errors.InvalidRequest(rejection.Message);
        }

        var outcome = await services.Sessions.AppendAsync(sessionId, request.BearerToken(), events, idempotent, cancellationToken);
        return Respond<ApiError>.With(outcome, request.HttpContext.Response, value => TypedResults.Accepted((string?)null, value));
    }

    public static async Task<Results<Ok<SessionView>, JsonHttpResult<ApiError>>> ReadSession(
        string sessionId,
        [FromQuery(Name = "t"), Description("The view token from view_url, or the one the last read returned.")] string? token,
        [FromQuery, Description("Read the events after this seq (a non-negative integer).")] string? after,
        [FromQuery, Description("Read the newest events before this seq (a positive integer); not with after.")] string? before,
        [FromQuery, Description("Most events in the page, from 1 to 1000 (the default).")] string? limit,
        HttpResponse response, [AsParameters] SessionServices services, CancellationToken cancellationToken)
    {
        // The token is a capability: keep it out of caches and referrers.
        response.KeepOutOfCachesAndReferrers();
        if (!Ids.IsWellFormed(sessionId, Ids.SessionPrefix))
        {
            return Errors.SessionNotFound();
        }

        var (window, error) = ReadWindow(after, before, limit, services.Options.Value.MaxEventsPerRead);
        if (error is not null)
        {
            return error;
        }

        var outcome = await services.Sessions.ReadAsync(sessionId, token, window, cancellationToken);
        return Respond<ApiError>.With(outcome, response, TypedResults.Ok);
    }

    /// <summary>The read's query parameters, checked: after and before exclude each other, limit defaults to its maximum.</summary>
    private static (EventWindow Window, JsonHttpResult<ApiError>? Error) ReadWindow(string? after, string? before, string? limit, int maxLimit)
    {
        long afterSeq = 0;
        if (after is not null && (!long.TryParse(after, out afterSeq) || afterSeq < 0))
        {
            return (default, Errors.InvalidRequest("after must be a non-negative integer sequence number."));
        }

        long? beforeSeq = null;
        if (before is not null)
        {
            if (after is not null)
            {
                return (default, Errors.InvalidRequest("after and before cannot be combined: read forwards with after, or backwards with before."));
            }

            if (!long.TryParse(before, out var parsed) || parsed < 1)
            {
                return (default, Errors.InvalidRequest("before must be a positive integer sequence number; one above last_seq (or any larger number) reads the newest events."));
            }

            beforeSeq = parsed;
        }

        var count = maxLimit;
        if (limit is not null && (!int.TryParse(limit, out count) || count < 1 || count > maxLimit))
        {
            return (default, Errors.InvalidRequest($"limit must be an integer from 1 to {maxLimit}."));
        }

        return (new EventWindow(afterSeq, beforeSeq, count), null);
    }

    public static async Task<Results<Ok<RevokeViewResponse>, JsonHttpResult<ApiError>>> RevokeViewTokens(
        string sessionId, HttpRequest request, [AsParameters] SessionServices services, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(sessionId, Ids.SessionPrefix))
        {
            return Errors.SessionNotFound();
        }

        var outcome = await services.Sessions.RevokeViewTokensAsync(sessionId, request.BearerToken(), cancellationToken);
        return Respond<ApiError>.With(outcome, request.HttpContext.Response, TypedResults.Ok);
    }
}

/// <summary>What the session handlers depend on.</summary>
public sealed class SessionServices(SessionService sessions, IOptions<AgentSessionOptions> options)
{
    public SessionService Sessions { get; } = sessions;

    public IOptions<AgentSessionOptions> Options { get; } = options;
}
