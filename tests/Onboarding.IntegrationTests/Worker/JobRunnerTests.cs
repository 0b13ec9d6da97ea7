using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using Onboarding.Worker.Extensions;
using Onboarding.Worker.Jobs;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>
/// The Postgres job queue with real worker hosts. Each test uses its own job kind, so workers of other tests (and
/// jobs the Api tests queue) never meet its jobs.
/// </summary>
public sealed class JobRunnerTests(OnboardingApiFactory factory)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _kind = "test." + Guid.NewGuid().ToString("N")[..10];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AQueuedJobRunsOnceInTheTraceThatQueuedItAndRecordsItsSteps()
    {
        var traces = new ConcurrentBag<(string RunId, ActivityTraceId Trace, object? RunTag)>();
        var handler = new ScriptedHandler(_kind, async (job, cancellationToken) =>
        {
            using (RunTelemetry.Source.StartActivity("looking_up")?.SetTag(RunTimeline.DetailTag, "example.com"))
            {
                traces.Add((job.RunId, Activity.Current!.TraceId, Activity.Current.GetTagItem(RunTelemetry.RunIdTag)));
            }

            await job.WriteAsync((db, ct) => SetCompanyAsync(db, job.Lease.SessionId!.Value, "Acme", ct), cancellationToken);
        });
        using var request = new Activity("start-scraping").SetIdFormat(ActivityIdFormat.W3C).Start();
        var (runId, sessionId) = await EnqueueAsync();
        request.Stop();
        using var worker = await StartWorkerAsync(handler);

        var job = await WaitForAsync(runId, JobStates.Succeeded);

        Assert.Equal(1, job.Attempts);
        Assert.Null(job.LeaseOwner);
        Assert.Equal(1, handler.Runs[runId]);
        var (_, trace, tag) = Assert.Single(traces);
        Assert.Equal(request.TraceId, trace);
        Assert.Equal(runId, tag);
        await using var db = Database();
        Assert.Equal("Acme", (await db.ScrapeSessions.SingleAsync(s => s.Id == sessionId, Cancel)).CompanyName);
        var step = Assert.Single(await db.RunSteps.Where(s => s.RunId == runId).ToListAsync(Cancel));
        Assert.Equal(("looking_up", "example.com", "ok", 1), (step.Name, step.Detail, step.Outcome, step.Attempt));
    }

    [Fact]
    public async Task StepsCarriedByAWriteThatFailedAreSavedByTheNextOne()
    {
        var failed = false;
        var handler = new ScriptedHandler(_kind, async (job, cancellationToken) =>
        {
            using (RunTelemetry.Source.StartActivity("looking_up"))
            {
            }

            try
            {
                // A progress write whose save fails (here on a step of a run that does not exist), and which the run survives.
                await job.WriteAsync((db, _) =>
                {
                    db.RunSteps.Add(new RunStep { RunId = "no-such-run", Name = "bogus", Outcome = "ok" });
                    return Task.CompletedTask;
                }, cancellationToken);
            }
            catch (DbUpdateException)
            {
                failed = true;
            }

            await job.WriteAsync((db, ct) => SetCompanyAsync(db, job.Lease.SessionId!.Value, "Acme", ct), cancellationToken);
        });
        var (runId, _) = await EnqueueAsync();
        using var worker = await StartWorkerAsync(handler);

        await WaitForAsync(runId, JobStates.Succeeded);

        Assert.True(failed);
        await using var db = Database();
        Assert.Equal(["looking_up"], await db.RunSteps.Where(s => s.RunId == runId).Select(s => s.Name).ToListAsync(Cancel));
    }

    [Fact]
    public async Task ATransientFailureIsRetriedWithBackoffUntilItSucceeds()
    {
        var handler = new ScriptedHandler(_kind, (job, _) =>
            job.Lease.Attempt < 3 ? throw new HttpRequestException("connection reset") : Task.CompletedTask);
        var (runId, _) = await EnqueueAsync();
        using var worker = await StartWorkerAsync(handler);

        var job = await WaitForAsync(runId, JobStates.Succeeded);

        Assert.Equal(3, job.Attempts);
        Assert.Equal(3, handler.Runs[runId]);
        // A success leaves no error behind; the failed attempts are in the logs and metrics.
        Assert.Null(job.LastError);
    }

    [Fact]
    public async Task APermanentFailureFailsAtOnceAndRecordsItWhereUsersLook()
    {
        var handler = new ScriptedHandler(
            _kind,
            (_, _) => throw new JobFailedException("The website's domain nope.invalid could not be found.", permanent: true),
            onFailed: (job, db, message, ct) => db.ScrapeSessions.Where(s => s.Id == job.Lease.SessionId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ScrapeStatus.Failed).SetProperty(x => x.ErrorMessage, message), ct));
        var (runId, sessionId) = await EnqueueAsync();
        using var worker = await StartWorkerAsync(handler);

        var job = await WaitForAsync(runId, JobStates.Failed);

        Assert.Equal(1, job.Attempts);
        Assert.Equal("The website's domain nope.invalid could not be found.", job.LastError);
        await using var db = Database();
        var session = await db.ScrapeSessions.SingleAsync(s => s.Id == sessionId, Cancel);
        Assert.Equal((ScrapeStatus.Failed, job.LastError), (session.Status, session.ErrorMessage));
    }

    [Fact]
    public async Task AJobThatKeepsFailingFailsWhenItsAttemptsRunOut()
    {
        var handler = new ScriptedHandler(_kind, (_, _) => throw new TimeoutException("the site is slow"));
        var (runId, _) = await EnqueueAsync(maxAttempts: 2);
        using var worker = await StartWorkerAsync(handler);

        var job = await WaitForAsync(runId, JobStates.Failed);

        Assert.Equal(2, job.Attempts);
        Assert.Equal(2, handler.Runs[runId]);
    }

    [Fact]
    public async Task ACrashedWorkersJobIsRescuedAfterItsLease()
    {
        // A worker took the job and died: the row says running, its lease ran out a moment ago.
        var (runId, _) = await EnqueueAsync();
        await using (var db = Database())
        {
            await db.Jobs.Where(j => j.Id == runId).ExecuteUpdateAsync(j => j
                .SetProperty(x => x.State, JobStates.Running).SetProperty(x => x.Attempts, 1).SetProperty(x => x.LeaseVersion, 1)
                .SetProperty(x => x.LeaseOwner, "dead-worker").SetProperty(x => x.LeaseExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Cancel);
        }

        var handler = new ScriptedHandler(_kind, (_, _) => Task.CompletedTask);
        using var worker = await StartWorkerAsync(handler);

        var job = await WaitForAsync(runId, JobStates.Succeeded);

        Assert.Equal(2, job.Attempts);
        Assert.Equal(2, job.LeaseVersion);
    }

    [Fact]
    public async Task AStaleWorkerWhoseJobWasRescuedWritesNothing()
    {
        // Worker A runs the job and stalls; its lease is taken over (the version moves on, as a rescue does).
        var stalled = new TaskCompletionSource();
        var rescued = new TaskCompletionSource();
        Exception? seenByA = null;
        var handler = new ScriptedHandler(_kind, async (job, cancellationToken) =>
        {
            stalled.TrySetResult();
            await rescued.Task.WaitAsync(cancellationToken);
            try
            {
                await job.WriteAsync((db, ct) => SetCompanyAsync(db, job.Lease.SessionId!.Value, "Written by the stale worker", ct), CancellationToken.None);
            }
            catch (Exception e)
            {
                seenByA = e;
                throw;
            }
        });
        var (runId, sessionId) = await EnqueueAsync();
        using var worker = await StartWorkerAsync(handler, ("Jobs:HeartbeatInterval", "00:01:00"), ("Jobs:LeaseDuration", "00:05:00"));
        await stalled.Task.WaitAsync(Patience, Cancel);

        await using (var db = Database())
        {
            await db.Jobs.Where(j => j.Id == runId).ExecuteUpdateAsync(j => j.SetProperty(x => x.LeaseVersion, x => x.LeaseVersion + 1).SetProperty(x => x.LeaseOwner, "rescuer"), Cancel);
        }

        rescued.SetResult();
        await Eventually.TrueAsync(() => seenByA is not null, Patience);

        Assert.IsType<LeaseLostException>(seenByA);
        await using var check = Database();
        Assert.Null((await check.ScrapeSessions.SingleAsync(s => s.Id == sessionId, Cancel)).CompanyName);
        var job = await check.Jobs.AsNoTracking().SingleAsync(j => j.Id == runId, Cancel);
        // The stale worker did not settle it either: it is still the rescuer's.
        Assert.Equal((JobStates.Running, "rescuer"), (job.State, job.LeaseOwner));
    }

    [Fact]
    public async Task AHeartbeatThatFindsTheLeaseGoneStopsTheRun()
    {
        var cancelled = new TaskCompletionSource();
        var handler = new ScriptedHandler(_kind, async (_, cancellationToken) =>
        {
            await using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        var (runId, _) = await EnqueueAsync();
        using var worker = await StartWorkerAsync(handler, ("Jobs:HeartbeatInterval", "00:00:00.100"));
        await WaitForAsync(runId, JobStates.Running);

        await using (var db = Database())
        {
            await db.Jobs.Where(j => j.Id == runId).ExecuteUpdateAsync(j => j.SetProperty(x => x.LeaseVersion, x => x.LeaseVersion + 1), Cancel);
        }

        await cancelled.Task.WaitAsync(Patience, Cancel);
    }

    [Fact]
    public async Task TwoWorkersShareFiveHundredJobsAndRunEachOnce()
    {
        var handler = new ScriptedHandler(_kind, (_, _) => Task.CompletedTask);
        var runs = await EnqueueManyAsync(500);

        using (var first = await StartWorkerAsync(handler))
        using (var second = await StartWorkerAsync(handler))
        {
            await Eventually.TrueAsync(async () =>
            {
                await using var db = Database();
                return await db.Jobs.CountAsync(j => runs.Contains(j.Id) && j.State == JobStates.Succeeded, Cancel) == runs.Count;
            }, Patience, "all 500 jobs to succeed");
        }

        Assert.All(runs, runId => Assert.Equal(1, handler.Runs[runId]));
        await using var check = Database();
        // Each was picked up exactly once: one attempt, one fencing token.
        var pickUps = await check.Jobs.Where(j => runs.Contains(j.Id)).Select(j => new { j.Attempts, j.LeaseVersion }).Distinct().ToListAsync(Cancel);
        Assert.Equal((1, 1L), (Assert.Single(pickUps).Attempts, pickUps[0].LeaseVersion));
    }

    [Fact]
    public async Task AtShutdownAFastJobFinishesAndASlowOneGoesBackToTheQueue()
    {
        var started = new ConcurrentDictionary<string, bool>();
        var fastRun = "";
        var handler = new ScriptedHandler(_kind, async (job, cancellationToken) =>
        {
            started[job.RunId] = true;
            await Task.Delay(job.RunId == fastRun ? TimeSpan.FromMilliseconds(300) : Timeout.InfiniteTimeSpan, cancellationToken);
        });
        var (slow, _) = await EnqueueAsync();
        (fastRun, _) = await EnqueueAsync();
        var worker = await StartWorkerAsync(handler, ("Jobs:ShutdownGrace", "00:00:02"));
        await Eventually.TrueAsync(() => started.Count == 2, Patience);

        await worker.StopAsync(Cancel);
        worker.Dispose();

        await using var db = Database();
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.Id == slow || j.Id == fastRun).ToDictionaryAsync(j => j.Id, Cancel);
        Assert.Equal(JobStates.Succeeded, jobs[fastRun].State);
        Assert.Equal((JobStates.Queued, 0, null), (jobs[slow].State, jobs[slow].Attempts, jobs[slow].LeaseOwner));
    }

    [Fact]
    public async Task ANotificationWakesAnIdleWorkerWithoutWaitingForItsPoll()
    {
        var handler = new ScriptedHandler(_kind, (_, _) => Task.CompletedTask);
        // Polling once an hour: only the notification can bring the job in within the test's patience.
        using var worker = await StartWorkerAsync(handler, ("Jobs:PollInterval", "01:00:00"));
        await Task.Delay(500, Cancel);

        var (runId, _) = await EnqueueAsync();

        await WaitForAsync(runId, JobStates.Succeeded);
    }

    private async Task<(string RunId, Guid SessionId)> EnqueueAsync(int maxAttempts = 5)
    {
        await using var db = Database();
        var workspace = await Workspaces.CreateAsync(db, Cancel);
        await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
        var session = new ScrapeSession
        {
            Id = Guid.CreateVersion7(),
            OrgId = workspace.OrgId,
            UserId = workspace.UserId,
            RunId = Ids.NewRunId(),
            Website = "https://example.com",
            Email = workspace.Email,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.ScrapeSessions.Add(session);
        await JobQueue.EnqueueAsync(db, new Job
        {
            Id = session.RunId,
            Kind = _kind,
            OrgId = workspace.OrgId,
            UserId = workspace.UserId,
            SessionId = session.Id,
            Payload = "{}",
            MaxAttempts = maxAttempts,
            RunAfter = DateTimeOffset.UtcNow,
            CreatedAt = DateTimeOffset.UtcNow,
            TraceParent = JobQueue.CurrentTraceParent(),
        }, Cancel);
        await transaction.CommitAsync(Cancel);
        return (session.RunId, session.Id);
    }

    /// <summary>Many jobs of one workspace, queued in one transaction.</summary>
    private async Task<List<string>> EnqueueManyAsync(int count)
    {
        await using var db = Database();
        var workspace = await Workspaces.CreateAsync(db, Cancel);
        await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
        var runs = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var runId = Ids.NewRunId();
            db.Jobs.Add(new Job
            {
                Id = runId, Kind = _kind, OrgId = workspace.OrgId, UserId = workspace.UserId, Payload = "{}",
                RunAfter = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
            });
            runs.Add(runId);
        }

        await db.SaveChangesAsync(Cancel);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({JobQueue.WakeUpChannel}, 'many')", Cancel);
        await transaction.CommitAsync(Cancel);
        return runs;
    }

    private async Task<IHost> StartWorkerAsync(ScriptedHandler handler, params (string, string)[] settings)
    {
        var host = Workspaces.CreateWorkerHost(factory, builder =>
        {
            builder.AddJobRunner();
            builder.Services.AddSingleton<IJobHandler>(handler);
        }, [("Jobs:PollInterval", "00:00:00.200"), ("Jobs:RetryBaseDelay", "00:00:00.050"), ("Jobs:RetryMaxDelay", "00:00:00.200"), .. settings]);
        await host.StartAsync(Cancel);
        return host;
    }

    private async Task<Job> WaitForAsync(string runId, string state)
    {
        Job? job = null;
        await Eventually.TrueAsync(async () =>
        {
            await using var db = Database();
            job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == runId, Cancel);
            return job.State == state;
        }, Patience, $"job {runId} to be {state}");
        return job!;
    }

    private static Task<int> SetCompanyAsync(OnboardingDbContext db, Guid sessionId, string name, CancellationToken cancellationToken) =>
        db.ScrapeSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.CompanyName, name), cancellationToken);

    private OnboardingDbContext Database() => factory.Services.CreateScope().ServiceProvider.GetRequiredService<OnboardingDbContext>();

    /// <summary>A handler whose run is the test's script; counts runs per job.</summary>
    private sealed class ScriptedHandler(
        string kind,
        Func<JobContext, CancellationToken, Task> run,
        Func<JobContext, OnboardingDbContext, string, CancellationToken, Task>? onFailed = null) : IJobHandler
    {
        public ConcurrentDictionary<string, int> Runs { get; } = new();

        public string Kind => kind;

        public Task RunAsync(JobContext job, CancellationToken cancellationToken)
        {
            Runs.AddOrUpdate(job.RunId, 1, (_, n) => n + 1);
            return run(job, cancellationToken);
        }

        public Task OnFailedAsync(JobContext job, OnboardingDbContext db, string message, CancellationToken cancellationToken) =>
            onFailed?.Invoke(job, db, message, cancellationToken) ?? Task.CompletedTask;
    }
}
