using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Onboarding.Api.Apis;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Interviews;

namespace Onboarding.Api.Mcp;

/// <summary>
/// The founder interview's tools (docs/api/interview.md), with the API key on the connection: start or resume it, save each
/// of the founder's answers with the interviewer's reply, read the brief. Errors come in the interview's envelope.
/// </summary>
internal static class InterviewTools
{
    private const string KeyNeeded = " Needs the API key on the MCP connection (Authorization: Bearer onb_…).";

    private static readonly Extra IdempotencyKey = new("idempotencyKey", "string",
        "Optional, 1 to 255 visible ASCII characters: a retry with the same key and arguments replays the first answer instead of starting a second "
        + "interview; the same key with other arguments is refused with IDEMPOTENCY_KEY_REUSED.", Header: IdempotencyRequest.HeaderName);

    private static readonly Extra SessionId = new("sessionId", "string", "The interview's sessionId from start_interview (itv_…).", Required: true);

    private static readonly Extra MessageId = new("messageId", "string",
        "Your id for this answer, 1 to 100 visible ASCII characters, unique per answer: sending it again is answered duplicate and saves nothing.",
        Required: true);

    private static readonly Extra Message = new("message", "string", "The founder's answer, in their own words (1 to 8,000 characters).", Required: true);

    private static readonly Extra ExpectedVersion = new("expectedVersion", "integer",
        "Optional: the version you last saw; if the interview moved on meanwhile the save is refused with version_conflict and both versions.");

    public static IEnumerable<McpServerTool> All =>
    [
        new OnboardingTool(new ToolDefinition
        {
            Name = "start_interview",
            Title = "Start the founder interview, or resume the open one",
            Description = "Starts a guided interview that builds the founder's brief in seven stages, or resumes the active or paused one unless forceNew "
                + "(which abandons it) or resumeSessionId. Returns the interviewer's introduction and the first open question (firstQuestion), the "
                + "stage, progress, the conversation so far and the version. Put firstQuestion to the founder in your own words, then call save_turn "
                + "with their answer. A new interview counts against the plan's interviews per month (SESSION_LIMIT_EXCEEDED: tell the human)." + KeyNeeded,
            Method = HttpMethods.Post,
            Path = "/api/interview/start",
            NeedsApiKey = true,
            Extras = [IdempotencyKey],
            Schema = ToolSchema.Of<StartInterviewRequest>(JsonSerializerOptions.Web, [IdempotencyKey]),
            Run = async call => ToolResults.From(
                await InterviewApi.Start(call.Request(), call.User, call.Parameters<InterviewServices>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "save_turn",
            Title = "Save the founder's answer and get the next question",
            Description = "One turn of the interview: the founder's answer is assessed and saved exactly once together with the interviewer's reply, "
                + "which is returned as reply: the next question (or a confirmation of something the founder only touched on). Put reply to the founder "
                + "and call save_turn again with their answer. The result carries the stage, progress, the version and, on the last topic, "
                + "completed: true and the briefId; then read get_brief. Retry with the same messageId after a lost answer." + KeyNeeded,
            Method = HttpMethods.Post,
            Path = "/api/chat/save",
            NeedsApiKey = true,
            Extras = [SessionId, MessageId, Message, ExpectedVersion],
            Schema = ToolSchema.Of(SessionId, MessageId, Message, ExpectedVersion),
            Run = SaveTurnAsync,
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "get_brief",
            Title = "The founder's brief",
            Description = "The brief a completed interview wrote (its fields in snake_case), where each field came from in the conversation (sources: "
                + "the founder's sentences, or their correction) and, once the analysis ran, its summary and insights. Give sessionId or projectId. "
                + "BRIEF_NOT_FOUND means the interview is not completed yet. No side effects." + KeyNeeded,
            Method = HttpMethods.Get,
            Path = "/api/interview/brief",
            NeedsApiKey = true,
            ReadOnly = true,
            Schema = ToolSchema.Of(
                new Extra("sessionId", "string", "The interview's sessionId (itv_…)."),
                new Extra("projectId", "string", "Or the project the completed interview created.")),
            Run = async call => ToolResults.From(
                await InterviewApi.Brief(call.Text("sessionId"), call.Text("projectId"), call.Twin.Response, call.User, call.Parameters<InterviewServices>(), call.Cancellation),
                call.Twin),
        }),
    ];

    /// <summary>The chat's two passes in one call: the interviewer's reply to the answer (saving nothing), then the turn's one save.</summary>
    private static async Task<CallToolResult> SaveTurnAsync(ToolCall call)
    {
        var sessionId = call.Text(SessionId.Name);
        var answer = new InterviewMessage("user", call.Text(Message.Name), null);
        var expected = call.Scalar(ExpectedVersion.Name) is { } text
            ? int.TryParse(text, out var version) ? version : throw new ToolArgumentException("expectedVersion must be an integer.")
            : (int?)null;
        var services = call.Parameters<InterviewServices>();
        var prepared = await services.Chat.PrepareReplyAsync(call.Workspace, new ChatStreamRequest([answer], sessionId), call.Cancellation);
        if (prepared.Failure is { } failure)
        {
            return ToolResults.From(failure, call.Twin);
        }

        object? last = null;
        await foreach (var item in services.Replies.StreamAsync(prepared.Value!, call.Cancellation))
        {
            last = item.Data;
        }

        if (last is not ChatStreamDone reply)
        {
            return ToolResults.From(TypedResults.Json(last, statusCode: StatusCodes.Status503ServiceUnavailable), call.Twin);
        }

        var save = new SaveRequest(sessionId, call.Text(MessageId.Name), answer, new InterviewMessage("assistant", reply.Content, null), expected);
        var saved = ToolResults.Read(await InterviewApi.Save(call.Request(save), call.User, services, call.Cancellation), call.Twin);
        if (saved.Refusal is { } refused)
        {
            return refused;
        }

        return ToolResults.Success(saved.Body!.Value, ("reply", reply.Content));
    }
}
