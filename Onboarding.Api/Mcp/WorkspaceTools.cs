using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Onboarding.Api.Apis;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Workspaces;
using Onboarding.Data.Model;

namespace Onboarding.Api.Mcp;

/// <summary>The workspace's tools (docs/api/workspace.md), with the API key on the connection: the scrape, its status, the context, runs.</summary>
internal static class WorkspaceTools
{
    private const string KeyNeeded = " Needs the API key on the MCP connection (Authorization: Bearer onb_…).";

    private static readonly JsonSerializerOptions Contract = JsonSerializerOptions.Web;

    private static readonly Extra IdempotencyKey = new("idempotencyKey", "string",
        "Optional, 1 to 255 visible ASCII characters: a retry with the same key and arguments replays the first answer instead of starting a second run; "
        + "the same key with other arguments is refused with idempotency_key_reused.", Header: IdempotencyRequest.HeaderName);

    private static readonly ToolLimit Crawls = new("scrape", o => o.ScrapePerUser, LimitedBy.User, WhenRedisIsDown.FailClosed);

    /// <summary>The statuses a scrape moves through, in order; its progress is how far along them it is.</summary>
    private static readonly string[] Steps = [ScrapeStatus.Pending, ScrapeStatus.LookingUp, ScrapeStatus.GatheringInfo, ScrapeStatus.GeneratingContext];

    public static IEnumerable<McpServerTool> All =>
    [
        new OnboardingTool(new ToolDefinition
        {
            Name = "start_scraping",
            Title = "Start the onboarding scrape of the company website",
            Description = "Crawls the company's website (at most 10 pages) into the workspace's company, market and ideal-customer context. "
                + "Call it only when get_onboarding_status says session: null and the human asked you to run onboarding; never guess the website. "
                + "With a progress token the call reports each status (pending, looking_up, gathering_info, generating_context) as progress and "
                + "returns when the run is completed or failed, with the final session; without one it returns {sessionId, runId} at once: then poll "
                + "get_onboarding_status with the sessionId every 3 to 5 s (a scrape takes 30 to 90 s). On failed, report errorMessage and errorStep "
                + "to the human and do not retry: the website usually needs a person to fix it. To refresh an onboarded workspace use regenerate_context."
                + KeyNeeded,
            Method = HttpMethods.Post,
            Path = "/api/onboarding/start-scraping",
            NeedsApiKey = true,
            Extras = [IdempotencyKey],
            Schema = ToolSchema.Of<StartScrapingRequest>(Contract, [IdempotencyKey], "website"),
            Limits = [Crawls],
            Run = StartScrapingAsync,
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "get_onboarding_status",
            Title = "The onboarding scrape's status",
            Description = "The latest onboarding session of the workspace, or the given one; call this first. On session: null the workspace was "
                + "never onboarded: stop and escalate to the human (there is no context, and everything downstream would be guesswork). On failed, "
                + "report errorMessage and errorStep to the human and do not retry blindly. While pending, looking_up, gathering_info or "
                + "generating_context, poll every 3 to 5 s; once completed, read get_context. No side effects." + KeyNeeded,
            Method = HttpMethods.Get,
            Path = "/api/onboarding/status",
            NeedsApiKey = true,
            ReadOnly = true,
            Schema = ToolSchema.Of(new Extra("sessionId", "string", "The sessionId start_scraping returned (a UUID); left out, the latest session.")),
            Run = async call => ToolResults.From(
                await WorkspaceApi.Status(call.Text("sessionId"), call.User, call.Service<ScrapeService>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "get_context",
            Title = "The workspace's company, market and ideal-customer context",
            Description = "The context the scrape wrote (company, market, ICP, each field with its evidence), the user's context and the freeform notes. "
                + "Read it after get_onboarding_status says completed, and before regenerate_context. No side effects." + KeyNeeded,
            Method = HttpMethods.Get,
            Path = "/api/context",
            NeedsApiKey = true,
            ReadOnly = true,
            Schema = ToolSchema.Of(),
            Run = async call => ToolResults.From(await WorkspaceApi.GetContext(call.User, call.Service<ContextService>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "regenerate_context",
            Title = "Crawl again and rebuild the context (once per 24 hours)",
            Description = "Only when the human explicitly asks to refresh the context (a rebrand, a new website, new positioning notes); do not call it "
                + "proactively. Read get_context first and confirm the inputs with the human: wrong inputs pollute the context for 24 hours. "
                + "At least one of website or linkedinUrl is required; freeformContext is written at once. Keep lastContextRegeneratedAt; the run "
                + "is in get_run by its runId. A second call within 24 hours is refused (rate_limited with nextAvailableAt): tell the human when, "
                + "do not retry." + KeyNeeded,
            Method = HttpMethods.Post,
            Path = "/api/context/regenerate",
            NeedsApiKey = true,
            Schema = ToolSchema.Of<RegenerateRequest>(Contract, []),
            Limits = [Crawls],
            Run = async call => ToolResults.From(
                await WorkspaceApi.Regenerate(call.Request(), call.User, call.Service<ContextService>(), call.Service<TimeProvider>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "get_run",
            Title = "A run and its timeline",
            Description = "One background run of the workspace (a scrape or a regeneration): its state, attempts and last error, and its timeline of "
                + "steps (the spans of its trace: DNS and robots.txt, each page fetched, each part generated). Keep runId and traceId for support. "
                + "No side effects." + KeyNeeded,
            Method = HttpMethods.Get,
            Path = "/api/runs/{runId}",
            NeedsApiKey = true,
            ReadOnly = true,
            Schema = ToolSchema.Of(new Extra("runId", "string", "The runId start_scraping or regenerate_context returned (run_…).", Required: true)),
            Run = async call => ToolResults.From(
                await WorkspaceApi.GetRun(call.Text("runId") ?? "", call.User, call.Service<Runs>(), call.Cancellation), call.Twin),
        }),
    ];

    /// <summary>Starts the run; with a progress token, follows it to its end as the status stream does and reports each change.</summary>
    private static async Task<CallToolResult> StartScrapingAsync(ToolCall call)
    {
        var started = ToolResults.Read(
            await WorkspaceApi.StartScraping(call.Request(), call.User, call.Service<ScrapeService>(), call.Cancellation), call.Twin);
        if (started.Refusal is { } refused || !call.WantsProgress)
        {
            return started.Refusal ?? ToolResults.Success(started.Body!.Value);
        }

        var run = started.Body!.Value.Deserialize<StartScrapingResponse>(ToolResults.Json)!;
        var workspace = call.Workspace;
        var first = await call.Service<ScrapeService>().StatusAsync(workspace, run.SessionId, call.Cancellation);
        var last = first!;
        var reported = -1.0;
        await foreach (var status in call.Service<StatusFollower>().FollowAsync(first!, workspace, call.Cancellation))
        {
            last = status;
            var progress = Progress(status);
            if (progress > reported)
            {
                reported = progress;
                await call.ReportAsync(progress, Steps.Length, Describe(status));
            }
        }

        return ToolResults.Success(started.Body.Value, ("session", last));
    }

    /// <summary>How many steps are done; the crawl counts its pages (at most ten) within its step.</summary>
    private static double Progress(ScrapeSessionView status) => status.Status switch
    {
        ScrapeStatus.Completed or ScrapeStatus.Failed => Steps.Length,
        ScrapeStatus.GatheringInfo => Array.IndexOf(Steps, status.Status) + Math.Min(status.PagesFetched, 9) / 10.0,
        var step => Math.Max(0, Array.IndexOf(Steps, step)),
    };

    private static string Describe(ScrapeSessionView status) => status.Status switch
    {
        ScrapeStatus.Failed => $"failed while {status.ErrorStep}: {status.ErrorMessage}",
        ScrapeStatus.GatheringInfo => $"gathering_info: {status.PagesFetched} of {status.PagesFound} pages fetched",
        var other => other,
    };
}
