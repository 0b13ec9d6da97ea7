using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Onboarding.Api.Authentication;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Interviews;
using Onboarding.Api.Workspaces;

namespace Onboarding.Api.Apis;

/// <summary>
/// The founder interview of seed 002: its lifecycle under <c>/api/interview</c> (seed 002's <c>/api/onboarding/start</c>
/// and <c>/status</c> would collide with the workspace surface) and the two-pass chat under <c>/api/chat</c>.
/// Errors come in seed 002's envelope.
/// </summary>
public static class InterviewApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapInterviewApi(this IEndpointRouteBuilder app)
    {
        var interview = app.MapGroup("/api/interview").WithTags("Interview").RequireAuthorization().RateLimitedPerKey();

        interview.MapPost("/start", Start)
            .WithSummary("Start an interview, or resume the open one")
            .WithDescription("Resumes the most recent active or paused interview unless forceNew (which abandons it) or resumeSessionId is given. A new interview counts against the plan's interviews per month. Supports Idempotency-Key.")
            .Accepts<StartInterviewRequest>("application/json")
            .Produces<InterviewStartResponse>()
            .ProducesInterviewErrors(400, 401, 404, 409, 413, 422, 429);

        interview.MapGet("/status", Status)
            .WithSummary("Progress of the given interview, or of the open one")
            .Produces<InterviewStatusResponse>()
            .ProducesInterviewErrors(401, 404);

        interview.MapPost("/pause", Pause)
            .WithSummary("Pause for later (idempotent)")
            .Accepts<SessionRequest>("application/json")
            .Produces<MessageResponse>()
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/abandon", Abandon)
            .WithSummary("Abandon (kept, and recoverable)")
            .Accepts<SessionRequest>("application/json")
            .Produces<MessageResponse>()
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/recover", Recover)
            .WithSummary("Make an abandoned or paused interview active again")
            .Accepts<SessionRequest>("application/json")
            .Produces<InterviewStartResponse>()
            .ProducesInterviewErrors(400, 401, 404, 409);

        interview.MapPost("/revise", Revise)
            .WithSummary("Reopen a completed interview (the summary's Revise)")
            .WithDescription("Cancels an analysis that has not started; refused with cannot_revise once it has.")
            .Accepts<SessionRequest>("application/json")
            .Produces<ReviseResponse>()
            .Produces<StateRefusal>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404);

        interview.MapPost("/complete", Complete)
            .WithSummary("Finalise: write the brief, create the project, queue the analysis")
            .Accepts<CompleteRequest>("application/json")
            .Produces<CompleteResponse>()
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        interview.MapGet("/brief", Brief)
            .WithSummary("The entrepreneur brief, and its analysis once there is one")
            .Produces<BriefResponse>()
            .ProducesInterviewErrors(400, 401, 404);

        interview.MapPost("/queue", Queue)
            .WithSummary("Queue the analysis of a completed interview (the summary's Approve; idempotent)")
            .Accepts<SessionRequest>("application/json")
            .Produces<QueueResponse>()
            .Produces<StateRefusal>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404, 429);

        var chat = app.MapGroup("/api/chat").WithTags("Interview").RequireAuthorization().RateLimitedPerKey();

        chat.MapPost("/stream", Stream)
            .WithSummary("Pass 1: the interviewer's reply, streamed (server-sent events); saves nothing")
            .WithDescription("Events: 'delta' {text} as the reply is written, then 'done' with the whole reply and the progress it will make once saved (or 'error'). The reply answers the last message, which must be the founder's; earlier turns come from what was saved. Then call /api/chat/save.")
            .Accepts<ChatStreamRequest>("application/json")
            .Produces<ChatStreamDone>(contentType: "text/event-stream")
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        chat.MapPost("/save", Save)
            .WithSummary("Pass 2: save a turn exactly once, assess it, and advance the stage")
            .WithDescription("Idempotent by messageId (status duplicate, nothing written twice); a stale expectedVersion gets 409 version_conflict with both versions.")
            .Accepts<SaveRequest>("application/json")
            .Produces<SaveResponse>()
            .Produces<VersionConflictResponse>(StatusCodes.Status409Conflict)
            .ProducesInterviewErrors(400, 401, 404, 409, 429);

        return app;
    }

    public static async Task<IResult> Start(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken)
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

        var outcome = await interviews.StartAsync(workspace, body ?? new StartInterviewRequest(null, null, null, null, null, null, null), idempotent, cancellationToken);
        if (outcome.Replayed)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return outcome.ToResult();
    }

    public static async Task<IResult> Status([FromQuery] string? sessionId, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        (await interviews.StatusAsync(WorkspaceOf(user), sessionId, cancellationToken)).ToResult();

    public static Task<IResult> Pause(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        WithSessionAsync(request, (body, ct) => interviews.PauseAsync(WorkspaceOf(user), body, ct), cancellationToken);

    public static Task<IResult> Abandon(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        WithSessionAsync(request, (body, ct) => interviews.AbandonAsync(WorkspaceOf(user), body, ct), cancellationToken);

    public static Task<IResult> Recover(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        WithSessionAsync(request, (body, ct) => interviews.RecoverAsync(WorkspaceOf(user), body, ct), cancellationToken);

    public static Task<IResult> Revise(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        WithSessionAsync(request, (body, ct) => interviews.ReviseAsync(WorkspaceOf(user), body, ct), cancellationToken);

    public static Task<IResult> Queue(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        WithSessionAsync(request, (body, ct) => interviews.QueueAsync(WorkspaceOf(user), body, ct), cancellationToken);

    public static async Task<IResult> Complete(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<CompleteRequest>(request, allowEmpty: false, cancellationToken);
        return error ?? (await interviews.CompleteAsync(WorkspaceOf(user), body!, cancellationToken)).ToResult();
    }

    public static async Task<IResult> Brief(
        [FromQuery] string? sessionId, [FromQuery] string? projectId, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken) =>
        (await interviews.BriefAsync(WorkspaceOf(user), sessionId, projectId, cancellationToken)).ToResult();

    public static async Task<IResult> Save(HttpRequest request, ClaimsPrincipal user, InterviewService interviews, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<SaveRequest>(request, allowEmpty: false, cancellationToken);
        return error ?? (await interviews.SaveAsync(WorkspaceOf(user), body!, cancellationToken)).ToResult();
    }

    public static async Task<IResult> Stream(
        HttpRequest request, ClaimsPrincipal user, InterviewService interviews, IInterviewer interviewer, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<ChatStreamRequest>(request, allowEmpty: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var prepared = await interviews.PrepareReplyAsync(WorkspaceOf(user), body!, cancellationToken);
        return prepared.Failure is { } failure
            ? failure.ToResult()
            : TypedResults.ServerSentEvents(Reply(interviewer, prepared.Value!, request.HttpContext.RequestServices.GetRequiredService<ILogger<InterviewerContext>>(), cancellationToken));
    }

    /// <summary>The reply as 'delta' events, then 'done' with the whole of it, or 'error' if the interviewer failed midway.</summary>
    private static async IAsyncEnumerable<SseItem<object>> Reply(
        IInterviewer interviewer, InterviewerContext context, ILogger logger, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var whole = new StringBuilder();
        await using var words = interviewer.ReplyAsync(context, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            string? text;
            try
            {
                text = await words.MoveNextAsync() ? words.Current : null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The interviewer failed while streaming a reply.");
                text = null;
                whole.Clear();
            }

            if (text is null)
            {
                break;
            }

            whole.Append(text);
            yield return new SseItem<object>(new { text }, "delta");
        }

        if (whole.Length == 0)
        {
            yield return new SseItem<object>(new InterviewError(false, new InterviewErrorBody("AI_SERVICE_UNAVAILABLE", "The interviewer could not reply. Send the message again.", true, ["retry"])), "error");
            yield break;
        }

        var after = context.After;
        var stage = Stages.Get(after.Stage);
        yield return new SseItem<object>(
            new ChatStreamDone(whole.ToString().Trim(), stage.Number, stage.Name, Assessment.OverallProgress(after.State), after.StageAdvanced, after.Completed, after.State.AskedTopic),
            "done");
    }

    private static async Task<IResult> WithSessionAsync<T>(
        HttpRequest request, Func<SessionRequest, CancellationToken, Task<InterviewOutcome<T>>> action, CancellationToken cancellationToken)
    {
        var (body, _, error) = await ReadAsync<SessionRequest>(request, allowEmpty: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        return string.IsNullOrEmpty(body!.SessionId)
            ? InterviewErrors.InvalidRequest("sessionId is required.").ToResult()
            : (await action(body, cancellationToken)).ToResult();
    }

    private static async Task<(T? Body, byte[] Bytes, IResult? Error)> ReadAsync<T>(HttpRequest request, bool allowEmpty, CancellationToken cancellationToken)
        where T : class
    {
        var (document, bytes, error) = await JsonBody.ReadAsync(request, MaxBodyBytes, allowEmpty, cancellationToken);
        using var _ = document;
        if (error is not null)
        {
            return (null, bytes, InterviewErrors.Translate(error));
        }

        if (document is null)
        {
            return (null, bytes, null);
        }

        try
        {
            return document.Deserialize<T>(JsonSerializerOptions.Web) is { } body
                ? (body, bytes, null)
                : (null, bytes, InterviewErrors.InvalidRequest("The request body must be a JSON object.").ToResult());
        }
        catch (JsonException e)
        {
            return (null, bytes, InterviewErrors.InvalidRequest($"The request body does not match the schema at {e.Path}: a field has the wrong type.").ToResult());
        }
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
