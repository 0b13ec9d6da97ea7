using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.Worker.Infrastructure;

namespace Onboarding.Worker.Jobs;

/// <summary>
/// Runs the Postgres job queue. Woken by <c>NOTIFY onboarding_jobs</c> and polling, it picks up due jobs
/// (and running jobs whose lease expired: a crashed worker's) with <c>FOR UPDATE SKIP LOCKED</c>, so any number of
/// workers share the queue and each job runs in one of them at a time. A picked-up job gets a new fencing token;
/// heartbeats extend its lease; every write checks the token. Transient failures are retried with backoff and full
/// jitter until the job's attempts run out; permanent ones fail at once. On shutdown, running jobs may finish for
/// <see cref="JobOptions.ShutdownGrace"/>, then are cancelled and handed back to the queue.
/// </summary>
public sealed class JobRunner : BackgroundService
{
    private static readonly Meter Meter = new(Microsoft.Extensions.Hosting.Extensions.TelemetrySourceName);
    private static readonly Counter<long> Finished = Meter.CreateCounter<long>("onboarding.jobs.finished", description: "Job runs by kind and outcome");

    private readonly NpgsqlDataSource _dataSource;
    private readonly IServiceScopeFactory _scopes;
    private readonly Dictionary<string, IJobHandler> _handlers;

    // Only kinds this worker can run: during a rolling upgrade an older worker leaves newer kinds to newer workers.
    private readonly string[] _kinds;
    private readonly RunProgress _progress;
    private readonly TimeProvider _time;
    private readonly JobOptions _options;
    private readonly ILogger<JobRunner> _logger;
    private readonly PostgresWakeUp _wakeUp;
    private readonly ConcurrentDictionary<string, Task> _running = new();

    // Cancelled when the shutdown grace has passed: running jobs stop and go back to the queue.
    private readonly CancellationTokenSource _abort = new();

    public JobRunner(
        NpgsqlDataSource dataSource,
        IServiceScopeFactory scopes,
        IEnumerable<IJobHandler> handlers,
        RunProgress progress,
        TimeProvider time,
        IOptions<JobOptions> options,
        ILogger<JobRunner> logger)
    {
        _dataSource = dataSource;
        _scopes = scopes;
        _handlers = handlers.ToDictionary(h => h.Kind);
        _kinds = [.. _handlers.Keys];
        _progress = progress;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _wakeUp = new PostgresWakeUp(dataSource, JobQueue.WakeUpChannel, time, logger);
    }

    /// <summary>Names this worker in <c>jobs.lease_owner</c>, for operators.</summary>
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = _wakeUp.ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_running.Count < _options.Concurrency && await TryStartNextAsync(stoppingToken))
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Picking up a job failed; trying again in {PollInterval}", _options.PollInterval);
                ConnectionLoss.ClearPoolOn(e, _dataSource);
            }

            await _wakeUp.WaitAsync(_options.PollInterval, stoppingToken);
        }

        await listening;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop picking up; then give running jobs their grace, and hand back whatever is still running.
        await base.StopAsync(cancellationToken);
        var running = Task.WhenAll(_running.Values);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(_options.ShutdownGrace);
        try
        {
            await running.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _logger.LogInformation("Handing {Count} running jobs back to the queue", _running.Count);
            await _abort.CancelAsync();
            await running.WaitAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <summary>Picks up one due job and starts it; false when none is due.</summary>
    private async Task<bool> TryStartNextAsync(CancellationToken cancellationToken)
    {
        var lease = await PickUpAsync(cancellationToken);
        if (lease is null)
        {
            return false;
        }

        var run = new TaskCompletionSource();
        _running[lease.Id] = run.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(lease);
            }
            finally
            {
                _running.TryRemove(lease.Id, out _);
                run.SetResult();
                _wakeUp.Wake();
            }
        }, CancellationToken.None);
        return true;
    }

    private async Task<JobLease?> PickUpAsync(CancellationToken cancellationToken)
    {
        var now = PostgresTime.Truncate(_time.GetUtcNow());
        await using var command = _dataSource.CreateCommand("""
            UPDATE jobs
               SET state = 'running', lease_owner = $1, lease_expires_at = $2, lease_version = lease_version + 1,
                   attempts = attempts + 1, started_at = coalesce(started_at, $3)
             WHERE id = (SELECT id FROM jobs
                          WHERE ((state = 'queued' AND run_after <= $3) OR (state = 'running' AND lease_expires_at < $3))
                            AND kind = ANY($4)
                          ORDER BY run_after, id
                          LIMIT 1
                          FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, org_id, user_id, session_id, payload, attempts, max_attempts, lease_version, trace_parent
            """);
        command.Parameters.Add(new() { Value = Name });
        command.Parameters.Add(new() { Value = now + _options.LeaseDuration });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = _kinds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new JobLease(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetGuid(4),
            reader.GetString(5),
            reader.GetInt32(6),
            reader.GetInt32(7),
            reader.GetInt64(8),
            reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    private async Task RunAsync(JobLease lease)
    {
        // The run continues the trace of the request that queued it.
        ActivityContext.TryParse(lease.TraceParent, null, out var parent);
        using var span = RunTelemetry.Source.StartActivity(
            $"job {lease.Kind}", ActivityKind.Consumer, parent,
            [new(RunTelemetry.RunIdTag, lease.Id), new("onboarding.job.attempt", lease.Attempt)]);
        var timeline = new RunTimeline(lease.Id, lease.Attempt);
        span?.SetCustomProperty(RunTimeline.PropertyName, timeline);
        using var logScope = _logger.BeginScope(new Dictionary<string, object> { [RunTelemetry.RunIdTag] = lease.Id });

        var job = new JobContext(lease, _scopes, timeline, _progress, _time, _options);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, cancel, stopHeartbeat.Token);
        var handler = _handlers[lease.Kind];
        var outcome = "succeeded";
        try
        {
            _logger.LogInformation("Running {Kind} job {RunId} (attempt {Attempt} of {MaxAttempts})", lease.Kind, lease.Id, lease.Attempt, lease.MaxAttempts);
            if (lease.Attempt > lease.MaxAttempts)
            {
                throw new JobFailedException($"Gave up after {lease.MaxAttempts} attempts: the workers running it kept stopping before it finished.", permanent: true);
            }

            await handler.RunAsync(job, cancel.Token);
            if (job.Completed)
            {
                await job.SaveLateStepsAsync(CancellationToken.None);
            }
            else
            {
                await FinishAsync(job, JobStates.Succeeded, null, null);
            }

            _logger.LogInformation("Job {RunId} succeeded", lease.Id);
        }
        catch (Exception e) when (job.LeaseLost || e is LeaseLostException)
        {
            outcome = "lease_lost";
            _logger.LogWarning("Job {RunId} was taken over by another worker after its lease expired; this worker stops without writing", lease.Id);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            outcome = "released";
            await ReleaseAsync(job);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            ConnectionLoss.ClearPoolOn(e, _dataSource);
            var message = e is JobFailedException ? e.Message : $"Unexpected error: {e.Message}";
            if (e is JobFailedException { Permanent: true } || lease.Attempt >= lease.MaxAttempts)
            {
                outcome = "failed";
                _logger.LogWarning(e, "Job {RunId} failed: {Message}", lease.Id, message);
                await FinishAsync(job, JobStates.Failed, message, handler);
            }
            else
            {
                outcome = "retried";
                var delay = Backoff.WithFullJitter(lease.Attempt, _options.RetryBaseDelay, _options.RetryMaxDelay);
                _logger.LogWarning(e, "Job {RunId} attempt {Attempt} failed ({Message}); retrying in {Delay}", lease.Id, lease.Attempt, message, delay);
                await RetryAsync(job, message, delay);
            }
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            Finished.Add(1, new KeyValuePair<string, object?>("kind", lease.Kind), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private Task FinishAsync(JobContext job, string state, string? error, IJobHandler? handler) =>
        SettleAsync(job, async (db, cancellationToken) =>
        {
            if (state == JobStates.Failed && handler is not null)
            {
                await handler.OnFailedAsync(job, db, error!, cancellationToken);
            }

            var now = PostgresTime.Truncate(_time.GetUtcNow());
            await db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET state = {state}, finished_at = {now}, last_error = {Truncate(error)}, lease_owner = NULL, lease_expires_at = NULL WHERE id = {job.RunId}",
                cancellationToken);
        });

    private Task RetryAsync(JobContext job, string error, TimeSpan delay) =>
        SettleAsync(job, (db, cancellationToken) =>
        {
            var runAfter = PostgresTime.Truncate(_time.GetUtcNow() + delay);
            return db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET state = 'queued', run_after = {runAfter}, last_error = {Truncate(error)}, lease_owner = NULL, lease_expires_at = NULL WHERE id = {job.RunId}",
                cancellationToken);
        });

    /// <summary>Hands an interrupted job back: due now, and the interrupted run does not count as an attempt.</summary>
    private Task ReleaseAsync(JobContext job)
    {
        _logger.LogInformation("Job {RunId} handed back to the queue at shutdown", job.RunId);
        return SettleAsync(job, (db, cancellationToken) =>
        {
            var now = PostgresTime.Truncate(_time.GetUtcNow());
            return db.Database.ExecuteSqlAsync(
                $"UPDATE jobs SET state = 'queued', run_after = {now}, attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL WHERE id = {job.RunId}",
                cancellationToken);
        });
    }

    /// <summary>Writes a job's outcome under its fence; a lost lease means another worker owns the outcome now.</summary>
    private async Task SettleAsync(JobContext job, Func<Data.Infrastructure.OnboardingDbContext, CancellationToken, Task> write)
    {
        // Not the job's token: settling must happen even when the run itself was cancelled.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await job.WriteAsync(write, timeout.Token);
        }
        catch (LeaseLostException)
        {
            _logger.LogWarning("Job {RunId} was taken over by another worker before its outcome was written", job.RunId);
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // The lease will expire and another worker will run the job again.
            _logger.LogError(e, "Could not write the outcome of job {RunId}; it runs again after its lease expires", job.RunId);
        }
    }

    private async Task HeartbeatAsync(JobContext job, CancellationTokenSource cancelJob, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, _time, stop);
                await job.ExtendLeaseAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (LeaseLostException)
            {
                job.LeaseLost = true;
                await cancelJob.CancelAsync();
                return;
            }
            catch (Exception e)
            {
                // Postgres away for a moment: keep trying while the lease lasts.
                _logger.LogWarning(e, "Heartbeat of job {RunId} failed", job.RunId);
            }
        }
    }

    private static string? Truncate(string? value) => value is null || value.Length <= 1000 ? value : value[..1000];
}
