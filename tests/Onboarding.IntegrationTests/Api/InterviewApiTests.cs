using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using static Onboarding.IntegrationTests.Infrastructure.InterviewClient;

namespace Onboarding.IntegrationTests.Api;

/// <summary>The interview's lifecycle, completion and limits on real Postgres and Redis.</summary>
public sealed class InterviewApiTests(OnboardingApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly IReadOnlyList<string> Founder = ScriptedFounder.Answers;

    [Fact]
    public async Task StartGreetsAsksTheFirstQuestionAndResumesTheOpenInterview()
    {
        var client = await NewFounderAsync();

        var started = await client.StartAsync(new { planType = "trial", userContext = new { referralSource = "pricing_page", previousExperience = "first_time", timeAvailable = 20 } });

        Assert.True(started["success"]!.GetValue<bool>(), started.ToJsonString());
        var id = started["sessionId"]!.GetValue<string>();
        Assert.True(Ids.IsWellFormed(id, Ids.InterviewPrefix), id);
        Assert.False(started["resumed"]!.GetValue<bool>());
        Assert.Contains("Alex", started["agentIntroduction"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("What are you building", started["firstQuestion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("20 minutes", started["estimatedDuration"]!.GetValue<string>());
        Assert.Equal((1, 7, "Welcome & Introduction"), (started["stageInfo"]!["currentStage"]!.GetValue<int>(), started["stageInfo"]!["totalStages"]!.GetValue<int>(), started["stageInfo"]!["stageName"]!.GetValue<string>()));
        Assert.Equal(0, started["qualitySignals"]!["detail_score"]!.GetValue<int>());
        Assert.Equal("low", started["qualitySignals"]!["clarity"]!["label"]!.GetValue<string>());
        Assert.Empty(started["stageSnapshot"]!["brief_fields"]!.AsArray());
        Assert.NotNull(started["conversationContext"]!["privacyNotice"]);
        Assert.Empty(started["messages"]!.AsArray());

        var again = await client.StartAsync();
        Assert.Equal((id, true), (again["sessionId"]!.GetValue<string>(), again["resumed"]!.GetValue<bool>()));

        var fresh = await client.StartAsync(new { forceNew = true });
        Assert.NotEqual(id, fresh["sessionId"]!.GetValue<string>());
        await using var db = Database();
        Assert.Equal(InterviewStatus.Abandoned, (await db.InterviewSessions.SingleAsync(s => s.Id == id, Cancel)).Status);
    }

    [Theory]
    [InlineData("""{"planType":"gold"}""", 400, "INVALID_PLAN")]
    [InlineData("""{"planType":"founder"}""", 400, "INVALID_PLAN")]
    [InlineData("""{"mode":"client"}""", 400, "INVALID_REQUEST")]
    [InlineData("""{"userId":"usr_someone_else"}""", 400, "INVALID_REQUEST")]
    [InlineData("""{"forceNew":true,"resumeSessionId":"itv_01JABCDEFGHJKMNPQRSTVWXYZ0"}""", 400, "INVALID_REQUEST")]
    [InlineData("""{"resumeSessionId":"itv_01JABCDEFGHJKMNPQRSTVWXYZ0"}""", 404, "SESSION_NOT_FOUND")]
    [InlineData("""{"userContext":{"timeAvailable":0}}""", 400, "INVALID_REQUEST")]
    [InlineData("""{"forceNew":"yes"}""", 400, "INVALID_REQUEST")]
    [InlineData("""{"planType":""", 400, "INVALID_REQUEST")]
    [InlineData("""[]""", 400, "INVALID_REQUEST")]
    public async Task ABadStartIsRefusedInTheSeedsEnvelope(string json, int status, string code)
    {
        var client = await NewFounderAsync();

        await AssertErrorAsync(await client.PostRawAsync("/api/interview/start", json), status, code);
    }

    [Fact]
    public async Task EveryEndpointRefusesAMissingKeyAndAnUnknownSessionInTheSeedsEnvelope()
    {
        var anonymous = new InterviewClient(factory.CreateClient(), "onb_not_a_real_key");
        var unauthorized = await AssertErrorAsync(await anonymous.PostAsync("/api/interview/start", new { }), 401, "UNAUTHORIZED");
        Assert.False(unauthorized["error"]!["retryable"]!.GetValue<bool>());
        await AssertErrorAsync(await anonymous.PostAsync("/api/chat/save", new { }), 401, "UNAUTHORIZED");

        var client = await NewFounderAsync();
        var unknown = "itv_01JABCDEFGHJKMNPQRSTVWXYZ0";
        foreach (var path in new[] { "pause", "abandon", "recover", "revise", "queue" })
        {
            var body = await AssertErrorAsync(await client.PostAsync($"/api/interview/{path}", new { sessionId = unknown }), 404, "SESSION_NOT_FOUND");
            Assert.Equal("create_new", body["error"]!["fallbackOptions"]![0]!.GetValue<string>());
            await AssertErrorAsync(await client.PostAsync($"/api/interview/{path}", new { }), 400, "INVALID_REQUEST");
        }

        await AssertErrorAsync(await client.GetAsync($"/api/interview/status?sessionId={unknown}"), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.GetAsync("/api/interview/status?sessionId=not-an-id"), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.GetAsync($"/api/interview/brief?sessionId={unknown}"), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.GetAsync("/api/interview/brief"), 400, "INVALID_REQUEST");
        await AssertErrorAsync(await client.GetAsync("/api/interview/brief?projectId=nope"), 400, "INVALID_REQUEST");
        await AssertErrorAsync(await client.PostAsync("/api/interview/complete", new { sessionId = unknown, finalConfirmation = true }), 404, "INVALID_SESSION");
        await AssertErrorAsync(await client.PostAsync("/api/chat/stream", new { sessionId = unknown, messages = new[] { new { role = "user", content = "hi there friend" } } }), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.SaveAsync(unknown, "m1", "hello there", "hi", null), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.PostRawAsync("/api/chat/save", "{\"sessionId\": "), 400, "INVALID_REQUEST");
        await AssertErrorAsync(await client.PostRawAsync("/api/chat/save", $"{{\"sessionId\":\"{new string('x', 70_000)}\"}}"), 413, "REQUEST_TOO_LARGE");
        await AssertErrorAsync(await client.GetAsync("/api/interview/nothing-here"), 404, "NOT_FOUND");

        // Another workspace's interview is as unknown as one that does not exist.
        var other = await NewFounderAsync();
        var theirs = (await other.StartAsync())["sessionId"]!.GetValue<string>();
        await AssertErrorAsync(await client.PostAsync("/api/interview/pause", new { sessionId = theirs }), 404, "SESSION_NOT_FOUND");
        await AssertErrorAsync(await client.SaveAsync(theirs, "m1", "hello there", "hi", null), 404, "SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task StatusReportsNothingThenTheOpenInterviewsProgress()
    {
        var client = await NewFounderAsync();
        var none = await ReadAsync(await client.GetAsync("/api/interview/status"));
        Assert.Equal("""{"success":true,"sessionId":null,"status":null}""", none.ToJsonString());

        var id = (await client.StartAsync())["sessionId"]!.GetValue<string>();
        await client.TurnAsync(id, Founder[0], 0);

        var status = await ReadAsync(await client.GetAsync("/api/interview/status"));
        Assert.Equal((id, "active", 1, 7), (status["sessionId"]!.GetValue<string>(), status["status"]!.GetValue<string>(), status["currentStage"]!.GetValue<int>(), status["totalStages"]!.GetValue<int>()));
        Assert.Equal((7, 50, 2, 1), (status["overallProgress"]!.GetValue<int>(), status["stageProgress"]!.GetValue<int>(), status["messageCount"]!.GetValue<int>(), status["version"]!.GetValue<int>()));
        Assert.Equal("business_concept", status["collectedTopics"]![0]!.GetValue<string>());
        Assert.Null(status["completion"]);
    }

    [Fact]
    public async Task PauseAbandonAndRecoverFollowTheSeedsRules()
    {
        var client = await NewFounderAsync();
        var id = (await client.StartAsync())["sessionId"]!.GetValue<string>();
        await client.TurnAsync(id, Founder[0], 0);

        var paused = await client.PostJsonAsync("/api/interview/pause", new { sessionId = id });
        Assert.Equal("Session paused successfully", paused["message"]!.GetValue<string>());
        Assert.True((await client.PostJsonAsync("/api/interview/pause", new { sessionId = id }))["success"]!.GetValue<bool>());
        Assert.Equal("paused", (await ReadAsync(await client.GetAsync($"/api/interview/status?sessionId={id}")))["status"]!.GetValue<string>());

        // Resuming by id brings the conversation back as it was.
        var resumed = await client.StartAsync(new { resumeSessionId = id });
        Assert.Equal(("active", 1, 2), (resumed["status"]!.GetValue<string>(), resumed["version"]!.GetValue<int>(), resumed["messages"]!.AsArray().Count));
        Assert.Equal(Founder[0], resumed["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(resumed["messages"]![1]!["content"]!.GetValue<string>(), resumed["firstQuestion"]!.GetValue<string>());

        Assert.True((await client.PostJsonAsync("/api/interview/abandon", new { sessionId = id }))["success"]!.GetValue<bool>());
        Assert.True((await client.PostJsonAsync("/api/interview/abandon", new { sessionId = id }))["success"]!.GetValue<bool>());
        var cannotPause = await AssertErrorAsync(await client.PostAsync("/api/interview/pause", new { sessionId = id }), 409, "INVALID_STATE");
        Assert.Equal("recover", cannotPause["error"]!["fallbackOptions"]![0]!.GetValue<string>());
        await AssertErrorAsync(await client.PostAsync("/api/interview/start", new { resumeSessionId = id }), 409, "INVALID_STATE");
        await AssertErrorAsync(await client.SaveAsync(id, "m-after-abandon", "more words here", "ok", null), 409, "INVALID_STATE");

        var recovered = await client.PostJsonAsync("/api/interview/recover", new { sessionId = id });
        Assert.Equal(("active", true, 2), (recovered["status"]!.GetValue<string>(), recovered["resumed"]!.GetValue<bool>(), recovered["messages"]!.AsArray().Count));

        // Completed: cannot pause, abandon or recover.
        await client.PostJsonAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true });
        await AssertErrorAsync(await client.PostAsync("/api/interview/pause", new { sessionId = id }), 409, "INVALID_STATE");
        await AssertErrorAsync(await client.PostAsync("/api/interview/abandon", new { sessionId = id }), 409, "INVALID_STATE");
        await AssertErrorAsync(await client.PostAsync("/api/interview/recover", new { sessionId = id }), 409, "INVALID_STATE");
    }

    [Fact]
    public async Task ApproveQueuesOnceAndReviseWithdrawsARunThatHasNotStarted()
    {
        var client = await NewFounderAsync();
        var id = await CompletedInterviewAsync(client);

        var queued = await client.PostJsonAsync("/api/interview/queue", new { sessionId = id });
        Assert.Equal("queued", queued["status"]!.GetValue<string>());
        var runId = queued["runId"]!.GetValue<string>();
        var again = await client.PostJsonAsync("/api/interview/queue", new { sessionId = id });
        Assert.Equal(("already_queued", runId), (again["status"]!.GetValue<string>(), again["runId"]!.GetValue<string>()));
        await using (var db = Database())
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == runId, Cancel);
            Assert.Equal((JobKinds.Analysis, JobStates.Queued), (job.Kind, job.State));
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", job.TraceParent);
            Assert.NotNull(await db.Projects.SingleOrDefaultAsync(p => p.SessionId == id, Cancel));
        }

        var revised = await client.PostJsonAsync("/api/interview/revise", new { sessionId = id });
        Assert.Equal("""{"success":true,"status":"reset","queueDeleted":true}""", revised.ToJsonString());
        await using (var db = Database())
        {
            Assert.False(await db.Jobs.AnyAsync(j => j.Id == runId, Cancel));
        }

        // A correction after the summary replaces the topic it speaks to, and the interview completes again.
        var resumed = await client.StartAsync(new { resumeSessionId = id });
        Assert.Contains("What would you like to change", resumed["firstQuestion"]!.GetValue<string>(), StringComparison.Ordinal);
        var (reply, saved) = await client.TurnAsync(id, "Actually our customers are accounting firms with 10 to 200 staff across Europe.", resumed["version"]!.GetValue<int>());
        Assert.True(saved["completed"]!.GetValue<bool>(), saved.ToJsonString());
        Assert.StartsWith("Thanks, I've updated the brief.", reply, StringComparison.Ordinal);
        var brief = (await ReadAsync(await client.GetAsync($"/api/interview/brief?sessionId={id}")))["brief"]!;
        Assert.Equal("Actually our customers are accounting firms with 10 to 200 staff across Europe.", brief["target_customers"]!.GetValue<string>());

        // Once a worker has the run, revising is refused.
        var second = (await client.PostJsonAsync("/api/interview/queue", new { sessionId = id }))["runId"]!.GetValue<string>();
        await using (var db = Database())
        {
            await db.Jobs.Where(j => j.Id == second).ExecuteUpdateAsync(j => j.SetProperty(x => x.State, JobStates.Running).SetProperty(x => x.Attempts, 1), Cancel);
        }

        using var refused = await client.PostAsync("/api/interview/revise", new { sessionId = id });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("""{"success":false,"status":"cannot_revise","error":"Analysis already in progress or completed"}""", (await ReadAsync(refused)).ToJsonString());

        var notCompleted = (await client.StartAsync(new { forceNew = true }))["sessionId"]!.GetValue<string>();
        using var invalid = await client.PostAsync("/api/interview/queue", new { sessionId = notCompleted });
        Assert.Equal(HttpStatusCode.Conflict, invalid.StatusCode);
        Assert.Equal("""{"success":false,"status":"invalid_state","error":"Session not in completed state"}""", (await ReadAsync(invalid)).ToJsonString());
    }

    [Fact]
    public async Task CompleteWritesTheBriefWithCorrectionsCreatesTheProjectAndQueuesOnce()
    {
        var client = await NewFounderAsync();
        var id = (await client.StartAsync())["sessionId"]!.GetValue<string>();
        await client.TurnAsync(id, Founder[0], 0);

        await AssertErrorAsync(await client.PostAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = false }), 400, "INVALID_REQUEST");
        await AssertErrorAsync(await client.PostAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true, entrepreneurBrief = new { favourite_colour = "blue" } }), 400, "INVALID_REQUEST");
        await AssertErrorAsync(await client.PostAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true, userFeedback = new { conversationRating = 6 } }), 400, "INVALID_REQUEST");

        var completed = await client.PostJsonAsync("/api/interview/complete", new
        {
            sessionId = id,
            finalConfirmation = true,
            entrepreneurBrief = new { company_name = "Ledgerline Ltd", target_customers = "UK accounting firms" },
            userFeedback = new { conversationRating = 5, clarityRating = 4, helpfulnessRating = 5, comments = "Quick." },
        });

        Assert.True(completed["success"]!.GetValue<bool>(), completed.ToJsonString());
        var runId = completed["workflowId"]!.GetValue<string>();
        Assert.True(Ids.IsWellFormed(runId, Ids.RunPrefix));
        Assert.True(completed["workflowTriggered"]!.GetValue<bool>());
        Assert.Equal("Ledgerline Ltd", completed["projectCreated"]!["projectName"]!.GetValue<string>());
        Assert.Equal((3, 2), (completed["analysisMetadata"]!["rateLimit"]!["limit"]!.GetValue<int>(), completed["analysisMetadata"]!["rateLimit"]!["remaining"]!.GetValue<int>()));
        var projectId = completed["projectCreated"]!["projectId"]!.GetValue<string>();

        var brief = (await ReadAsync(await client.GetAsync($"/api/interview/brief?projectId={projectId}")))["brief"]!;
        Assert.Equal(("Ledgerline Ltd", "UK accounting firms", Founder[0]), (brief["company_name"]!.GetValue<string>(), brief["target_customers"]!.GetValue<string>(), brief["business_concept"]!.GetValue<string>()));

        var again = await client.PostJsonAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true });
        Assert.Equal((runId, false), (again["workflowId"]!.GetValue<string>(), again["workflowTriggered"]!.GetValue<bool>()));
        await using var db = Database();
        var session = await db.InterviewSessions.SingleAsync(s => s.Id == id, Cancel);
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.Kind == JobKinds.Analysis && j.UserId == session.UserId, Cancel));
        Assert.Equal((InterviewStatus.Completed, 5), (session.Status, session.Feedback!.ConversationRating));
    }

    [Fact]
    public async Task ABriefExistsOnlyOnceTheInterviewCompletes()
    {
        var client = await NewFounderAsync();
        var id = (await client.StartAsync())["sessionId"]!.GetValue<string>();

        await AssertErrorAsync(await client.GetAsync($"/api/interview/brief?sessionId={id}"), 404, "BRIEF_NOT_FOUND");
        await AssertErrorAsync(await client.GetAsync($"/api/interview/brief?sessionId={id}&projectId={Guid.NewGuid()}"), 400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task ThePlansLimitsRefuseTheFourthInterviewTheHundredthMessageAndTheFourthAnalysis()
    {
        var client = await NewFounderAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await client.StartAsync(new { forceNew = true }))["success"]!.GetValue<bool>());
        }

        var limit = await AssertErrorAsync(await client.PostAsync("/api/interview/start", new { forceNew = true }), 429, "SESSION_LIMIT_EXCEEDED");
        Assert.Equal("""["upgrade","contact_support"]""", limit["error"]!["fallbackOptions"]!.ToJsonString());

        // Resuming is not a new interview.
        var open = await client.StartAsync();
        Assert.True(open["success"]!.GetValue<bool>(), open.ToJsonString());
        var id = open["sessionId"]!.GetValue<string>();

        await using (var db = Database())
        {
            await db.InterviewSessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.MessageCount, 100), Cancel);
        }

        await AssertErrorAsync(await client.SaveAsync(id, "m-over", Founder[0], "ok", null), 429, "SESSION_LIMIT_EXCEEDED");
        await AssertErrorAsync(await client.PostAsync("/api/chat/stream", new { sessionId = id, messages = new[] { new { role = "user", content = Founder[0] } } }), 429, "SESSION_LIMIT_EXCEEDED");

        // Three analyses this month on the trial plan; the fourth is refused. An upgrade lifts it.
        string userId, orgId;
        await using (var db = Database())
        {
            var owner = await db.InterviewSessions.Where(s => s.Id == id).Select(s => new { s.UserId, s.OrgId }).SingleAsync(Cancel);
            (userId, orgId) = (owner.UserId, owner.OrgId);
            for (var i = 0; i < 3; i++)
            {
                db.Jobs.Add(new Job { Id = Ids.NewRunId(), Kind = JobKinds.Analysis, OrgId = orgId, UserId = userId, Payload = "{}", State = JobStates.Succeeded, CreatedAt = DateTimeOffset.UtcNow, RunAfter = DateTimeOffset.UtcNow });
            }

            await db.SaveChangesAsync(Cancel);
        }

        await AssertErrorAsync(await client.PostAsync("/api/interview/complete", new { sessionId = id, finalConfirmation = true }), 429, "SESSION_LIMIT_EXCEEDED");
        await using (var db = Database())
        {
            // The refused completion changed nothing.
            Assert.Equal(InterviewStatus.Active, (await db.InterviewSessions.SingleAsync(s => s.Id == id, Cancel)).Status);
            await db.Orgs.Where(o => o.Id == orgId).ExecuteUpdateAsync(o => o.SetProperty(x => x.Plan, Plans.Founder), Cancel);
        }

        await AssertErrorAsync(await client.PostAsync("/api/interview/start", new { forceNew = true, planType = "trial" }), 400, "INVALID_PLAN");
        Assert.True((await client.StartAsync(new { forceNew = true, planType = "founder" }))["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnIdempotencyKeyReplaysTheFirstStart()
    {
        var client = await NewFounderAsync();

        using var first = await client.PostAsync("/api/interview/start", new { forceNew = true }, idempotencyKey: "start-1");
        using var second = await client.PostAsync("/api/interview/start", new { forceNew = true }, idempotencyKey: "start-1");

        Assert.Equal((await ReadAsync(first))["sessionId"]!.GetValue<string>(), (await ReadAsync(second))["sessionId"]!.GetValue<string>());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        await AssertErrorAsync(await client.PostAsync("/api/interview/start", new { forceNew = false }, idempotencyKey: "start-1"), 422, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task ThePerKeyLimitAnswersInTheSeedsEnvelope()
    {
        await using var api = factory.WithSettings(("RateLimits:ApiPerKey:Limit", "2"));
        var client = await ClaimAsync(api.CreateClient());

        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = await client.GetAsync("/api/interview/status");
        }

        var refused = await AssertErrorAsync(last, 429, "RATE_LIMITED");
        Assert.True(refused["error"]!["retryable"]!.GetValue<bool>());
        Assert.NotNull(last.Headers.RetryAfter);
    }

    private Task<InterviewClient> NewFounderAsync() => ClaimAsync(factory.CreateClient());

    private static async Task<string> CompletedInterviewAsync(InterviewClient client)
    {
        var id = (await client.StartAsync(new { forceNew = true }))["sessionId"]!.GetValue<string>();
        var version = 0;
        foreach (var answer in Founder)
        {
            version = (await client.TurnAsync(id, answer, version)).Saved["version"]!.GetValue<int>();
        }

        return id;
    }

    private OnboardingDbContext Database() => factory.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>();
}
