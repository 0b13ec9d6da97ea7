using System.Text.Json;
using Microsoft.Playwright;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Onboarding.EndToEnd.Tests.Infrastructure;

namespace Onboarding.EndToEnd.Tests;

/// <summary>A coding agent that speaks MCP to the composed system: what it writes through the tools, the developer watches live in the viewer.</summary>
public sealed class McpViewerTests(ComposedSystem system)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsAppendedThroughTheToolsShowInTheViewerWithoutAReload()
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(system.Api.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        await using var agent = await McpClient.CreateAsync(transport, cancellationToken: Cancel);

        var opened = await CallAsync(agent, "open_session", new { user_agent = "mcp-agent/1.0", project_hint = "viewer" });
        var sessionId = opened.GetProperty("session_id").GetString()!;
        var writeToken = opened.GetProperty("write_token").GetString()!;
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(opened.GetProperty("view_url").GetString()!);
        await Expect(page.Locator(".session-header")).ToContainTextAsync(sessionId);
        await Expect(page.Locator("article.event")).ToHaveCountAsync(1);

        var appended = await CallAsync(agent, "append_events", new
        {
            session_id = sessionId,
            write_token = writeToken,
            events = new object[]
            {
                new { type = "onboarding.sdk_installed", ts = 1746478291000, payload = new { language = "py", agent_count = 2 } },
                new { type = "onboarding.first_telemetry", ts = 1746478292000, payload = new { agent_id = "support_bot" } },
            },
        });

        Assert.Equal(2, appended.GetProperty("accepted").GetInt32());
        await Expect(page.Locator("article.event")).ToHaveCountAsync(3);
        await Expect(page.Locator("article.event[data-seq='3']")).ToContainTextAsync("support_bot");
        await Expect(page.Locator(".chain")).ToContainTextAsync("Chain verified (3 events)");
    }

    private static async Task<JsonElement> CallAsync(McpClient agent, string tool, object arguments)
    {
        var values = JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        var result = await agent.CallToolAsync(tool, values, cancellationToken: Cancel);
        Assert.True(result.IsError != true, $"{tool} refused: {string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text))}");
        return result.StructuredContent!.Value;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
