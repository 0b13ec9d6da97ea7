using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Onboarding.Api.Authentication;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Infrastructure.OpenApi;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Model;

namespace Onboarding.Api.Apis;

/// <summary>The workspace surface (docs/api/workspace.md): start the scrape, follow it, read and regenerate the context.</summary>
public static class WorkspaceApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapWorkspaceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Workspace").RequireAuthorization().RateLimitedPerKey().NotifiesWorkspace();

        api.MapPost("/onboarding/start-scraping", StartScraping)
            .WithName("StartScraping")
            .WithSummary("Start the onboarding scrape of the company website")
            .WithDescription("Creates the onboarding session (pending) and its run in one transaction and returns at once; the Worker then moves it through looking_up, gathering_info and generating_context to completed or failed. Poll GET /api/onboarding/status every 3–5 s or follow GET /api/onboarding/status/stream. Supports Idempotency-Key.")
            .Accepts<StartScrapingRequest>("application/json")
            .Produces<StartScrapingResponse>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable)
            .RateLimitedPerUser("scrape", o => o.ScrapePerUser, WhenRedisIsDown.FailClosed);

        api.MapGet("/onboarding/status", Status)
            .WithName("OnboardingStatus")
            .WithSummary("The latest (or the given) onboarding session")
            .WithDescription("session is null when the user never started onboarding. No side effects.")
            .Produces<StatusResponse>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        api.MapGet("/onboarding/status/stream", StatusStream)
            .WithName("OnboardingStatusStream")
            .WithSummary("Server-sent events: the session's status each time it changes")
            .WithDescription("Sends a status event at once and after every change, and ends once the session is completed or failed (or after 10 minutes; reconnect to go on).")
            .Produces<ScrapeSessionView>(contentType: "text/event-stream")
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        api.MapGet("/context", GetContext)
            .WithName("GetContext")
            .WithSummary("The workspace's company, market and ideal-customer context")
            .Produces<ContextResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        api.MapGet("/context/versions", ContextVersionsList)
            .WithName("ContextVersions")
            .WithSummary("Every generation of the context, newest first, each with what it changed")
            .WithDescription("One version per generation (the first scrape, each regenerate), as the run wrote it, with its changes since the one before: fields added, removed or changed (for lists, the items). Edits by PUT /api/context are not generations. limit: 1–50, default 10. No side effects.")
            .Produces<ContextVersionsResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        api.MapPut("/context", PutContext)
            .WithName("PutContext")
            .WithSummary("Replace parts of the context by hand")
            .WithDescription("Each context given replaces the stored one; those left out stay as they are.")
            .Accepts<UpdateContextRequest>("application/json")
            .Produces<ContextResponse>()
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

        api.MapPost("/context/regenerate", Regenerate)
            .WithName("RegenerateContext")
            .WithSummary("Crawl again and rebuild the context, once per 24 hours")
            .WithDescription("400 unless website or linkedinUrl is given. freeformContext is written at once, before the run starts. A second call within 24 h gets 429 with nextAvailableAt (enforced in Postgres).")
            .Accepts<RegenerateRequest>("application/json")
            .Produces<RegenerateResponse>()
            .Produces<RegenerateRefusal>(StatusCodes.Status429TooManyRequests)
            .ProducesError(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status503ServiceUnavailable)
            .RateLimitedPerUser("scrape", o => o.ScrapePerUser, WhenRedisIsDown.FailClosed);

        api.MapGet("/workspace/agent-session", AgentSession)
            .WithName("WorkspaceAgentSession")
            .WithSummary("The coding agent's session this workspace was claimed from")
            .WithDescription("Its chain's last events, who claimed it, and a link to its live viewer; agentSession is null when the org has none. No side effects.")
            .Produces<AgentSessionResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        api.MapGet("/runs", ListRuns)
            .WithName("Runs")
            .WithSummary("The workspace's background runs, newest first")
            .Produces<RunsResponse>()
            .ProducesError(StatusCodes.Status401Unauthorized);

        api.MapGet("/runs/{runId}", GetRun)
            .WithName("Run")
            .WithSummary("One run and its timeline of steps (the spans of its trace)")
            .Produces<RunDetails>()
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        return app;
    }

    public static async Task<Results<Ok<StartScrapingResponse>, JsonHttpResult<ApiError>>> StartScraping(
        HttpRequest request, ClaimsPrincipal user, ScrapeService scrapes, CancellationToken cancellationToken)
    {
        var (body, bytes, error) = await ReadAsync<StartScrapingRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var workspace = WorkspaceOf(user);
        var (idempotent, keyError) = IdempotencyRequest.From(request, $"start-scraping:{workspace.UserId}", bytes);
        if (keyError is not null)
        {
            return keyError;
        }

        return Respond<ApiError>.With(await scrapes.StartAsync(workspace, body!, idempotent, cancellationToken), request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Results<Ok<StatusResponse>, JsonHttpResult<ApiError>>> Status(
        [FromQuery] string? sessionId, ClaimsPrincipal user, ScrapeService scrapes, CancellationToken cancellationToken)
    {
        if (!TryParseSessionId(sessionId, out var id))
        {
            return InvalidSessionId();
        }

        var session = await scrapes.StatusAsync(WorkspaceOf(user), id, cancellationToken);
        return session is null && id is not null ? SessionNotFound() : TypedResults.Ok(new StatusResponse(session));
    }

    public static async Task<Results<ServerSentEventsResult<ScrapeSessionView>, JsonHttpResult<ApiError>>> StatusStream(
        [FromQuery] string? sessionId, ClaimsPrincipal user, ScrapeService scrapes, StatusFollower follower, CancellationToken cancellationToken)
    {
        if (!TryParseSessionId(sessionId, out var id))
        {
            return InvalidSessionId();
        }

        var workspace = WorkspaceOf(user);
        var first = await scrapes.StatusAsync(workspace, id, cancellationToken);
        if (first is null)
        {
            return SessionNotFound();
        }

        return TypedResults.ServerSentEvents(follower.FollowAsync(first, workspace, cancellationToken), eventType: "status");
    }

    public static async Task<Ok<ContextResponse>> GetContext(ClaimsPrincipal user, ContextService contexts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await contexts.GetAsync(WorkspaceOf(user), cancellationToken));

    public static async Task<Ok<ContextVersionsResponse>> ContextVersionsList(
        [FromQuery] int? limit, ClaimsPrincipal user, ContextVersions versions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ContextVersionsResponse(
            await versions.ListAsync(WorkspaceOf(user), Math.Clamp(limit ?? ContextVersions.DefaultLimit, 1, ContextVersions.MaxLimit), cancellationToken)));

    public static async Task<Results<Ok<ContextResponse>, JsonHttpResult<ApiError>>> PutContext(
        HttpRequest request, ClaimsPrincipal user, ContextService contexts, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<UpdateContextRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (WorkspaceRules.CheckContext(body!) is { } problem)
        {
            return Errors.InvalidRequest(problem);
        }

        return TypedResults.Ok(await contexts.UpdateAsync(WorkspaceOf(user), body!, cancellationToken));
    }

    public static async Task<Results<Ok<RegenerateResponse>, JsonHttpResult<RegenerateRefusal>, JsonHttpResult<ApiError>>> Regenerate(
        HttpRequest request, ClaimsPrincipal user, ContextService contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<RegenerateRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var outcome = await contexts.RegenerateAsync(WorkspaceOf(user), body!, cancellationToken);
        if (outcome.Failure?.Body is RegenerateRefusal refusal)
        {
            var wait = refusal.NextAvailableAt - time.GetUtcNow().UtcDateTime;
            request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Respond<RegenerateRefusal, ApiError>.With(outcome, request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Ok<AgentSessionResponse>> AgentSession(ClaimsPrincipal user, AgentSessionService sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AgentSessionResponse(await sessions.ClaimedByAsync(WorkspaceOf(user), cancellationToken)));

    public static async Task<Ok<RunsResponse>> ListRuns(
        [FromQuery] int? limit, ClaimsPrincipal user, Runs runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RunsResponse(await runs.ListAsync(WorkspaceOf(user), Math.Clamp(limit ?? Runs.DefaultLimit, 1, Runs.MaxLimit), cancellationToken)));

    public static async Task<Results<Ok<RunDetails>, JsonHttpResult<ApiError>>> GetRun(
        string runId, ClaimsPrincipal user, Runs runs, CancellationToken cancellationToken)
    {
        var run = Ids.IsWellFormed(runId, Ids.RunPrefix) ? await runs.FindAsync(WorkspaceOf(user), runId, cancellationToken) : null;
        return run is null ? Errors.Create(StatusCodes.Status404NotFound, "run_not_found", "No run of this workspace has this id.") : TypedResults.Ok(run);
    }

    private static Task<(T? Body, byte[] Bytes, JsonHttpResult<ApiError>? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class =>
        JsonBody.ReadAsync<T>(request, MaxBodyBytes, allowEmpty: false, JsonSerializerOptions.Web, cancellationToken);

    private static bool TryParseSessionId(string? value, out Guid? id)
    {
        id = null;
        if (value is null)
        {
            return true;
        }

        if (Guid.TryParseExact(value, "D", out var parsed))
        {
            id = parsed;
            return true;
        }

        return false;
    }

    private static JsonHttpResult<ApiError> InvalidSessionId() => Errors.InvalidRequest("sessionId must be a UUID, as returned by start-scraping.");

    private static JsonHttpResult<ApiError> SessionNotFound() =>
        Errors.Create(StatusCodes.Status404NotFound, "session_not_found", "No onboarding session of this workspace has this id.");

    private static Workspace WorkspaceOf(ClaimsPrincipal user) =>
        new(user.Get(ApiKeyClaims.OrgId), user.Get(ApiKeyClaims.UserId), user.Get(ApiKeyClaims.Email));
}
