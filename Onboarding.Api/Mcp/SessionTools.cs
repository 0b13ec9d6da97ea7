using System.Text.Json;
using ModelContextProtocol.Server;
using Onboarding.Api.Apis;
using Onboarding.Api.Claims;
using Onboarding.Api.Infrastructure;
using Onboarding.Api.Sessions;

namespace Onboarding.Api.Mcp;

/// <summary>The public surface's tools (docs/api/sessions.md): open a session, write and read its chain, look up a domain, claim.</summary>
internal static class SessionTools
{
    // The public surface's contracts name their fields themselves. Default is set up and read-only already: a fresh
    // instance is set up by its first schema, and two hosts built at once in one process (the tests' parallel
    // factories) raced on it, one failing with "read-only or has already been used".
    private static readonly JsonSerializerOptions Contract = JsonSerializerOptions.Default;

    private static readonly Extra SessionId = new("session_id", "string", "The session_id that open_session returned (ses_…).", Required: true);

    private static readonly Extra WriteToken = new("write_token", "string",
        "The write_token that open_session returned. It authorises appends and the claim; never show it to anyone.", Required: true, Header: "Authorization");

    private static readonly Extra IdempotencyKey = new("idempotency_key", "string",
        "Optional, 1 to 255 visible ASCII characters: a retry with the same key and arguments replays the first answer instead of acting twice; "
        + "the same key with other arguments is refused with idempotency_key_reused.", Header: IdempotencyRequest.HeaderName);

    public static IEnumerable<McpServerTool> All =>
    [
        new OnboardingTool(new ToolDefinition
        {
            Name = "open_session",
            Title = "Open an onboarding session",
            Description = "Opens a public onboarding session; no API key needed. Returns session_id, view_url (the signed read-only link: "
                + "hand it to the developer so they can watch the session live), expires_at (epoch ms, 30 days unless claimed) and write_token, "
                + "which append_events and request_claim need. The server records onboarding.session_opened as the first event. "
                + "A retry with the same idempotency_key returns the same session with a fresh write_token (the first one stops working).",
            Method = HttpMethods.Post,
            Path = "/onboarding/sessions",
            Extras = [IdempotencyKey],
            Schema = ToolSchema.Of<CreateSessionRequest>(Contract, [IdempotencyKey]),
            Run = async call => ToolResults.From(
                await SessionsApi.CreateSession(call.Request(), call.Parameters<SessionServices>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "append_events",
            Title = "Append events to a session",
            Description = "Appends a batch of 1 to 100 onboarding.* events to the session's hash chain; the batch is atomic: one invalid event refuses all "
                + "(invalid_request names its index). Canonical types must carry their required payload fields; onboarding.session_opened and "
                + "onboarding.claimed are the server's own. A payload over 64 KB of UTF-8 JSON is event_too_large (truncate or summarise it); "
                + "a session holds at most 20,000 events (session_full: open a new session). Success means the events are committed.",
            Method = HttpMethods.Post,
            Path = "/onboarding/sessions/{sessionId}/events",
            Extras = [SessionId, WriteToken, IdempotencyKey],
            Opaque = EventValidator.PayloadPath,
            Schema = ToolSchema.Of<AppendEventsRequest>(Contract, [SessionId, WriteToken, IdempotencyKey], "events"),
            Limits = [new("append", o => o.AppendPerIp, LimitedBy.ClientAddress, WhenRedisIsDown.LocalLimit)],
            Run = async call => ToolResults.From(
                await SessionsApi.AppendEvents(Session(call), call.Request(), call.Parameters<SessionServices>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "read_session",
            Title = "Read a session and its events",
            Description = "What the viewer shows: the session and a page of its events, oldest first, each with seq and hash. Needs the view token "
                + "(the t= of view_url, or the view_token the last read returned). Without after or before the page starts at the first event; "
                + "after=<seq> reads what came after it; before=<seq> the newest events before it. has_more says whether more lie that way. "
                + "Read-only.",
            Method = HttpMethods.Get,
            Path = "/onboarding/sessions/{sessionId}",
            ReadOnly = true,
            Schema = ToolSchema.Of(
                SessionId,
                new Extra("view_token", "string", "The t= value of view_url, or the view_token the last read returned.", Required: true),
                new Extra("after", "integer", "Read the events after this seq (0 or more)."),
                new Extra("before", "integer", "Read the newest events before this seq (1 or more); not with after."),
                new Extra("limit", "integer", "Most events in the page, 1 to 1000 (the default).")),
            Run = async call => ToolResults.From(
                await SessionsApi.ReadSession(Session(call), call.Text("view_token"), call.Scalar("after"), call.Scalar("before"), call.Scalar("limit"),
                    call.Twin.Response, call.Parameters<SessionServices>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "lookup_domain",
            Title = "Is this email domain claimed?",
            Description = "Whether an organisation already uses an email domain (claimed, and claim_hint saying what to do instead of registering). "
                + "Call it with the developer's email domain before request_claim; when claimed is true, do not claim: follow claim_hint. "
                + "Webmail domains such as gmail.com are never claimed. Strictly rate-limited per client address. Read-only.",
            Method = HttpMethods.Get,
            Path = "/onboarding/lookup",
            ReadOnly = true,
            Schema = ToolSchema.Of(new Extra("domain", "string", "A domain name such as acme.com.", Required: true)),
            Limits = [new("lookup", o => o.LookupPerIp, LimitedBy.ClientAddress, WhenRedisIsDown.FailClosed)],
            Run = async call => ToolResults.From(await ClaimsApi.Lookup(call.Text("domain"), call.Service<ClaimService>(), call.Cancellation), call.Twin),
        }),
        new OnboardingTool(new ToolDefinition
        {
            Name = "request_claim",
            Title = "Claim the session for an organisation",
            Description = "Sends the developer a one-time magic link that turns this session into an organisation and shows its API key once. "
                + "Ask the developer for their email and an org slug first. With delivery \"email\" tell them to open the email; with delivery "
                + "\"fallback\" (no mailer, or the provider refused) hand them magic_link_preview yourself. Only the newest link works, for 30 minutes. "
                + "Once they confirm, ask them for the API key and put it on this MCP connection as Authorization: Bearer onb_… for the keyed tools.",
            Method = HttpMethods.Post,
            Path = "/onboarding/sessions/{sessionId}/claim",
            Extras = [SessionId, WriteToken],
            Schema = ToolSchema.Of<ClaimRequest>(Contract, [SessionId, WriteToken], "email", "org_slug"),
            Limits = [new("claim", o => o.ClaimPerIp, LimitedBy.ClientAddress, WhenRedisIsDown.FailClosed)],
            Run = async call => ToolResults.From(
                await ClaimsApi.RequestClaim(Session(call), call.Request(), call.Service<ClaimService>(), call.Service<RateLimiter>(),
                    call.Service<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>(), call.Cancellation), call.Twin),
        }),
    ];

    /// <summary>The session id as the twin's route would carry it: left out is as unknown as any malformed id.</summary>
    private static string Session(ToolCall call) => call.Text(SessionId.Name) ?? "";
}
