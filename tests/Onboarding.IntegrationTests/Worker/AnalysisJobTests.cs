using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using Onboarding.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Worker.Extensions;
using Onboarding.Worker.Interviews;
using static Onboarding.IntegrationTests.Infrastructure.InterviewClient;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>The analysis run of an approved brief, through the real job runner, and what the brief endpoint then shows.</summary>
[Collection(typeof(ScrapeJobTests))]
public sealed class AnalysisJobTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnApprovedBriefIsAnalysedByAWorkerAndTheResultAppearsWithTheBrief()
    {
        var http = factory.CreateClient();
        var (key, _, _) = await new SessionsClient(http).ClaimWorkspaceAsync();
        var client = new InterviewClient(http, key);
        var id = (await client.StartAsync())["sessionId"]!.GetValue<string>();
        var version = 0;
        foreach (var answer in ScriptedFounder.Answers)
        {
            version = (await client.TurnAsync(id, answer, version)).Saved["version"]!.GetValue<int>();
        }

        var runId = (await client.PostJsonAsync("/api/interview/queue", new { sessionId = id }))["runId"]!.GetValue<string>();

        using var worker = Workspaces.CreateWorkerHost(factory, builder =>
        {
            builder.AddJobRunner();
            builder.AddJobHandler<AnalysisJobHandler>();
        }, ("Jobs:PollInterval", "00:00:00.200"));
        await worker.StartAsync(Cancel);
        var analysis = await WaitForAnalysisAsync(client, id);
        await worker.StopAsync(Cancel);

        Assert.Equal((runId, JobStates.Succeeded, "offline"), (analysis["runId"]!.GetValue<string>(), analysis["status"]!.GetValue<string>(), analysis["source"]!.GetValue<string>()));
        var summary = analysis["summary"]!.GetValue<string>();
        Assert.StartsWith("Ledgerline: We're building Ledgerline", summary, StringComparison.Ordinal);
        Assert.Contains("Customers: Accounting firms with 5 to 50 staff", summary, StringComparison.Ordinal);
        var insights = analysis["insights"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>(), i => (i!["headline"]!.GetValue<string>(), i["confidence"]!.GetValue<string>()));
        Assert.Equal(("A specific first customer", "high"), insights["customer-focus"]);
        Assert.Equal(("The problem has a measurable cost", "high"), insights["problem-evidence"]);
        Assert.Equal(("Early demand signals exist", "high"), insights["demand"]);
        Assert.Equal(("Alternatives known, edge stated", "high"), insights["competition"]);
        Assert.Equal(("Resources against the goal", "high"), insights["resources"]);
        Assert.Equal(("Put the prototype in early adopters' hands", "medium"), insights["next-step"]);

        await using var db = factory.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>();
        var steps = await db.RunSteps.Where(s => s.RunId == runId).Select(s => s.Name).ToListAsync(Cancel);
        Assert.Contains("read_brief", steps);
        Assert.Contains("write_analysis", steps);

        // The analysis has run: the brief can no longer be revised.
        using var revise = await client.PostAsync("/api/interview/revise", new { sessionId = id });
        Assert.Equal("cannot_revise", (await ReadAsync(revise))["status"]!.GetValue<string>());
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForAnalysisAsync(InterviewClient client, string id)
    {
        System.Text.Json.Nodes.JsonNode? analysis = null;
        await Eventually.TrueAsync(async () =>
        {
            analysis = (await ReadAsync(await client.GetAsync($"/api/interview/brief?sessionId={id}")))["analysis"];
            return analysis?["status"]?.GetValue<string>() is JobStates.Succeeded or JobStates.Failed;
        }, TimeSpan.FromSeconds(20), "the analysis to finish");
        return analysis!;
    }
}
