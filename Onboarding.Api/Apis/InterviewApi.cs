using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Onboarding.Api.Authentication;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Interviews;
using Onboarding.Api.Workspaces;

namespace Onboarding.Api.Apis;

/// <summary>
/// The founder interview: its lifecycle under <c>/api/interview</c> (its contract's <c>/api/onboarding/start</c> and
/// <c>/status</c> would collide with the workspace surface) and the two-pass chat under <c>/api/chat</c>. Errors come
/// in the interview's envelope, except its own shapes for version conflicts and state refusals.
/// </summary>
public static class InterviewApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapInterviewApi(this IEndpointRouteBuilder app)
    {
        var interview = app.MapGroup("/api/interview").WithTags("Interview").RequireAuthorization().RateLimitedPerKey().NotifiesWorkspace();

        interview.MapPost("/start", Start)
            .WithName("StartInterview")
            .WithSummary("Start an interview, or resume the open one")
            .WithDescription("Resumes the most recent active or paused interview unless forceNew (which abandons it) or resumeSessionId is given. A new interview counts against the plan's interviews per month. Supports Idempotency-Key.")
            .Accepts<StartInterviewRequest>("application/json")
            .ProducesInterviewErrors(400, 401, 404, 409, 413, 422, 429);

        interview.MapGet("/status", Status)
            .WithName("InterviewStatus")
            .WithSummary("Progress of the given interview, or of the open one")
            .WithDescription("Without sessionId: the most recent active or paused interview; with includeCompleted=true, the most recent completed one when none is open.")
            .ProducesInterviewErrors(401, 404);

        interview.MapPost("/pause", Pause)
            .WithName("PauseInterview")
            .WithSummary("Pause for later (idempotent)")
            .Accepts<SessionRequest>("application/json")
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/abandon", Abandon)
            .WithName("AbandonInterview")
            .WithSummary("Abandon (kept, and recoverable)")
            .Accepts<SessionRequest>("application/json")
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/recover", Recover)
            .WithName("RecoverInterview")
            .WithSummary("Make an abandoned or paused interview active again")
            .Accepts<SessionRequest>("application/json")
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/revise", Revise)
            .WithName("ReviseInterview")
            .WithSummary("Reopen a completed interview (the summary's Revise)")
            .WithDescription("Cancels an analysis that has not started; refused with cannot_revise once it has.")
            .Accepts<SessionRequest>("application/json")
            .Produces<StateRefusal>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404);

        interview.MapPost("/complete", Complete)
            .WithName("CompleteInterview")
            .WithSummary("Finalise: write the brief (with the founder's corrections), create the project, queue the analysis")
            .Accepts<CompleteRequest>("application/json")
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        interview.MapGet("/brief", Brief)
            .WithName("InterviewBrief")
            .WithSummary("The entrepreneur brief, where each field came from in the conversation, and its analysis once there is one")
            .ProducesInterviewErrors(400, 401, 404);

        interview.MapPost("/queue", Queue)
            .WithName("QueueInterviewAnalysis")
            .WithSummary("Queue the analysis of a completed interview (the summary's Approve; idempotent)")
            .Accepts<SessionRequest>("application/json")
            .Produces<StateRefusal>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404, 429);

        // Why the interview did what it did, for a developer; never served outside Development.
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            interview.MapGet("/debug", Debug)
                .WithName("InterviewDebug")
                .WithSummary("Development only: each topic's standing and the evidence the assessment used")
                .ProducesInterviewErrors(401, 404);
        }

        var chat = app.MapGroup("/api/chat").WithTags("Interview").RequireAuthorization().RateLimitedPerKey().NotifiesWorkspace();

        chat.MapPost("/stream", Stream)
            .WithName("InterviewChatStream")
            .WithSummary("Pass 1: the interviewer's reply, streamed (server-sent events); saves nothing")
            .WithDescription("Events: 'delta' {text} as the reply is written, then 'done' with the whole reply and the progress it will make once saved (or 'error'). The reply answers the last message, which must be the founder's; earlier turns come from what was saved. Then call /api/chat/save.")
            .Accepts<ChatStreamRequest>("application/json")
            .Produces<ChatStreamDone>(contentType: "text/event-stream")
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        chat.MapPost("/save", Save)
            .WithName("InterviewChatSave")
            .WithSummary("Pass 2: save a turn exactly once, assess it, and advance the stage")
            .WithDescription("Idempotent by messageId (status duplicate, nothing written twice); a stale expectedVersion gets 409 version_conflict with both versions.")
            .Accepts<SaveRequest>("application/json")
            .Produces<VersionConflictResponse>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        return app;
    }

    public static async Task<Results<Ok<InterviewStartResponse>, JsonHttpResult<InterviewError>>> Start(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken)
    {
        var (body, bytes, error) = await ReadAsync<StartInterviewRequest>(request, allowEmpty: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var workspace = WorkspaceOf(user);
        var (idempotent, keyError) = IdempotencyRequest.From(request, $"interview-start:{workspace.UserId}", bytes);
        if (keyError is not null)
        {
            return InterviewErrors.Translate(keyError);
        }

        var outcome = await services.Lifecycle.StartAsync(workspace, body ?? new StartInterviewRequest(null, null, null, null, null, null, null), idempotent, cancellationToken);
        return Respond<InterviewError>.With(outcome, request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Results<Ok<InterviewStatusResponse>, JsonHttpResult<InterviewError>>> Status(
        [FromQuery] string? sessionId, [FromQuery] bool? includeCompleted, HttpResponse response, ClaimsPrincipal user, [AsParameters] InterviewServices services,
        CancellationToken cancellationToken) =>
        Respond<InterviewError>.With(await services.Lifecycle.StatusAsync(WorkspaceOf(user), sessionId, includeCompleted == true, cancellationToken), response, TypedResults.Ok);

    public static async Task<Results<Ok<MessageResponse>, JsonHttpResult<InterviewError>>> Pause(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        await WithSessionAsync(request, (body, ct) => services.Lifecycle.PauseAsync(WorkspaceOf(user), body, ct), Respond<InterviewError>.With, cancellationToken);

    public static async Task<Results<Ok<MessageResponse>, JsonHttpResult<InterviewError>>> Abandon(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        await WithSessionAsync(request, (body, ct) => services.Lifecycle.AbandonAsync(WorkspaceOf(user), body, ct), Respond<InterviewError>.With, cancellationToken);

    public static async Task<Results<Ok<InterviewStartResponse>, JsonHttpResult<InterviewError>>> Recover(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        await WithSessionAsync(request, (body, ct) => services.Lifecycle.RecoverAsync(WorkspaceOf(user), body, ct), Respond<InterviewError>.With, cancellationToken);

    public static async Task<Results<Ok<ReviseResponse>, JsonHttpResult<StateRefusal>, JsonHttpResult<InterviewError>>> Revise(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        await WithSessionAsync(request, (body, ct) => services.Lifecycle.ReviseAsync(WorkspaceOf(user), body, ct), Respond<StateRefusal, InterviewError>.With, cancellationToken);

    public static async Task<Results<Ok<QueueResponse>, JsonHttpResult<StateRefusal>, JsonHttpResult<InterviewError>>> Queue(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        await WithSessionAsync(request, (body, ct) => services.Completion.QueueAsync(WorkspaceOf(user), body, ct), Respond<StateRefusal, InterviewError>.With, cancellationToken);

    public static async Task<Results<Ok<CompleteResponse>, JsonHttpResult<InterviewError>>> Complete(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<CompleteRequest>(request, allowEmpty: false, cancellationToken);
        return error ?? Respond<InterviewError>.With(await services.Completion.CompleteAsync(WorkspaceOf(user), body!, cancellationToken), request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Results<Ok<BriefResponse>, JsonHttpResult<InterviewError>>> Brief(
        [FromQuery] string? sessionId, [FromQuery] string? projectId, HttpResponse response, ClaimsPrincipal user, [AsParameters] InterviewServices services,
        CancellationToken cancellationToken) =>
        Respond<InterviewError>.With(await services.Completion.BriefAsync(WorkspaceOf(user), sessionId, projectId, cancellationToken), response, TypedResults.Ok);

    public static async Task<Results<Ok<InterviewDebugResponse>, JsonHttpResult<InterviewError>>> Debug(
        [FromQuery] string? sessionId, HttpResponse response, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken) =>
        Respond<InterviewError>.With(await services.Chat.DebugAsync(WorkspaceOf(user), sessionId, cancellationToken), response, TypedResults.Ok);

    public static async Task<Results<Ok<SaveResponse>, JsonHttpResult<VersionConflictResponse>, JsonHttpResult<InterviewError>>> Save(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<SaveRequest>(request, allowEmpty: false, cancellationToken);
        return error ?? Respond<VersionConflictResponse, InterviewError>.With(await services.Chat.SaveAsync(WorkspaceOf(user), body!, cancellationToken), request.HttpContext.Response, TypedResults.Ok);
    }

    public static async Task<Results<ServerSentEventsResult<object>, JsonHttpResult<InterviewError>>> Stream(
        HttpRequest request, ClaimsPrincipal user, [AsParameters] InterviewServices services, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<ChatStreamRequest>(request, allowEmpty: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var prepared = await services.Chat.PrepareReplyAsync(WorkspaceOf(user), body!, cancellationToken);
        return prepared.Failure is { } failure
            ? failure.As<InterviewError>()
            : TypedResults.ServerSentEvents(services.Replies.StreamAsync(prepared.Value!, cancellationToken));
    }

    /// <summary>Reads the body every lifecycle change takes, <c>{sessionId}</c>, then answers with <paramref name="respond"/>.</summary>
    private static async Task<TResult> WithSessionAsync<T, TResult>(
        HttpRequest request, Func<SessionRequest, CancellationToken, Task<Outcome<T>>> action,
        Func<Outcome<T>, HttpResponse, Func<T, Ok<T>>, TResult> respond, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<SessionRequest>(request, allowEmpty: false, cancellationToken);
        Outcome<T> outcome = error is not null ? new Failure(error.StatusCode ?? 400, error.Value!)
            : string.IsNullOrEmpty(body!.SessionId) ? InterviewErrors.InvalidRequest("sessionId is required.")
            : await action(body, cancellationToken);
        return respond(outcome, request.HttpContext.Response, TypedResults.Ok);
    }

    private static async Task<(T? Body, byte[] Bytes, JsonHttpResult<InterviewError>? Error)> ReadAsync<T>(HttpRequest request, bool allowEmpty, CancellationToken cancellationToken)
        where T : class
    {
        var (body, bytes, error) = await JsonBody.ReadAsync<T>(request, MaxBodyBytes, allowEmpty, JsonSerializerOptions.Web, cancellationToken);
        return (body, bytes, error is null ? null : InterviewErrors.Translate(error));
    }

    private static Workspace WorkspaceOf(ClaimsPrincipal user) =>
        new(user.Get(ApiKeyClaims.OrgId), user.Get(ApiKeyClaims.UserId), user.Get(ApiKeyClaims.Email));

    private static RouteHandlerBuilder ProducesInterviewErrors(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            endpoint.Produces<InterviewError>(status);
        }

        return endpoint;
    }
}

/// <summary>What the interview handlers depend on.</summary>
public sealed class InterviewServices(InterviewLifecycle lifecycle, InterviewChat chat, InterviewCompletion completion, InterviewReplies replies)
{
    public InterviewLifecycle Lifecycle { get; } = lifecycle;

    public InterviewChat Chat { get; } = chat;

    public InterviewCompletion Completion { get; } = completion;

    public InterviewReplies Replies { get; } = replies;
}
