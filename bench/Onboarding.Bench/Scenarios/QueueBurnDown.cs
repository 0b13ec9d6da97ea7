using System.Diagnostics;
using Onboarding.Bench.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Worker.Jobs;

namespace Onboarding.Bench.Scenarios;

/// <summary>
/// Scenario 4: 10,000 no-op jobs queued in one transaction, burnt down by 1, 2 and 3 worker processes running the
/// Worker's job runner (<see cref="NoOpWorker"/>), from the commit to the last job succeeded. Beside pgbench running the
/// runner's own claim (the same UPDATE … FOR UPDATE SKIP LOCKED) and completion against a copy of the jobs table, with
/// as many clients as the workers run jobs at once.
/// </summary>
public sealed class QueueBurnDown(BenchSystem system, BenchOptions options, Report report, Workspace workspace)
{
    private const string Scenario = "4. Queue burn-down";

    private const string RawClaimAndComplete = """
        UPDATE bench_raw_jobs
           SET state = 'running', lease_owner = 'pgbench', lease_expires_at = now() + interval '30 seconds', lease_version = lease_version + 1,
               attempts = attempts + 1, started_at = coalesce(started_at, now())
         WHERE id = (SELECT id FROM bench_raw_jobs
                      WHERE ((state = 'queued' AND run_after <= now()) OR (state = 'running' AND lease_expires_at < now()))
                        AND kind = ANY('{bench.raw}')
                      ORDER BY run_after, id
                      LIMIT 1
                      FOR UPDATE SKIP LOCKED)
        RETURNING id AS job_id \gset
        UPDATE bench_raw_jobs SET state = 'succeeded', finished_at = now(), last_error = NULL, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = :job_id;
        """;

    // What one worker runs at once (Jobs:Concurrency, left at its default).
    private static readonly int PerWorker = new JobOptions().Concurrency;

    public async Task RunAsync()
    {
        await ExecuteAsync("DROP TABLE IF EXISTS bench_raw_jobs; CREATE TABLE bench_raw_jobs (LIKE jobs INCLUDING ALL);");
        foreach (var workers in options.QueueWorkers)
        {
            await CpuUsage.SettleAsync(options.Settle);
            var (ours, cpu) = await OursAsync(workers, options.QueueJobs);
            await CpuUsage.SettleAsync(options.Settle);
            var raw = await RawAsync(workers * PerWorker, options.QueueJobs);
            report.Add(new Result(Scenario, $"{options.QueueJobs:N0} jobs, {workers} worker{(workers > 1 ? "s" : "")} × {PerWorker}", ours, raw.Tps, "jobs/s",
                "≥ 0.3× raw", ours / raw.Tps >= 0.3, $"raw: pgbench, {workers * PerWorker} clients claiming and completing"));
            report.Note($"{Scenario}, {workers} worker(s), CPU (% of one core) — ours: {cpu}; raw: {raw.Cpu}.");
        }
    }

    private async Task<(double Rate, string Cpu)> OursAsync(int workers, int jobs)
    {
        var launched = await ScalarAsync<DateTime>("SELECT now()");
        var processes = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                processes.Add(await StartWorkerAsync($"noop-worker-{i + 1}"));
            }

            // Each runner's LISTEN is up, so the burn-down starts with the notification, not a poll.
            await WaitUntilAsync(async () => await ListenersSinceAsync(launched) >= workers, "the no-op workers to listen");
            var committed = await QueueAsync(jobs);
            var usage = CpuUsage.Start();
            await WaitUntilAsync(async () => await ScalarAsync<long>($"SELECT count(*) FROM jobs WHERE kind = '{NoOpWorker.Kind}' AND state <> 'succeeded'") == 0,
                $"{jobs} no-op jobs to succeed", TimeSpan.FromMinutes(10));
            var rate = jobs / (Samples.Milliseconds(committed, Stopwatch.GetTimestamp()) / 1000);
            var cpu = usage.Stop();

            var once = await ScalarAsync<long>($"SELECT count(*) FROM jobs WHERE kind = '{NoOpWorker.Kind}' AND attempts = 1 AND lease_version = 1");
            if (once != jobs)
            {
                throw new InvalidOperationException($"Only {once} of {jobs} no-op jobs ran exactly once.");
            }

            return (rate, cpu);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            await ExecuteAsync($"DELETE FROM jobs WHERE kind = '{NoOpWorker.Kind}'");
            // The next round starts from a table as clean as the baseline's, which is truncated.
            await ExecuteAsync("VACUUM jobs");
        }
    }

    private async Task<ChildProcess> StartWorkerAsync(string name)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The bench's own assembly in a second process, under the dotnet host that runs this one (set by `dotnet run`).
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var lines = new Queue<string>();
        var process = ChildProcess.Start(dotnet, [typeof(NoOpWorker).Assembly.Location, NoOpWorker.Command],
            line =>
            {
                lock (lines)
                {
                    lines.Enqueue(line);
                    if (lines.Count > 20)
                    {
                        lines.Dequeue();
                    }
                }

                if (line == NoOpWorker.ReadyLine)
                {
                    ready.TrySetResult();
                }
            },
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__onboardingdb"] = system.App.PostgresConnectionString,
                ["ConnectionStrings__redis"] = system.App.RedisConnectionString,
            });
        await Task.WhenAny(ready.Task, process.Exited).WaitAsync(TimeSpan.FromSeconds(60));
        return ready.Task.IsCompleted ? process : throw new InvalidOperationException($"{name} did not start:\n{string.Join('\n', lines)}");
    }

    /// <summary>Queues the jobs and their wake-up in one transaction; returns when it committed.</summary>
    private async Task<long> QueueAsync(int jobs)
    {
        await ExecuteAsync($$"""
            BEGIN;
            INSERT INTO jobs (id, kind, org_id, user_id, payload, state, attempts, max_attempts, lease_version, run_after, created_at)
            SELECT 'run_bench_' || lpad(g::text, 8, '0'), '{{NoOpWorker.Kind}}', '{{workspace.OrgId}}', '{{workspace.UserId}}', '{}', 'queued', 0, 5, 0, now(), now()
              FROM generate_series(1, {{jobs}}) g;
            SELECT pg_notify('{{JobQueue.WakeUpChannel}}', 'bench');
            COMMIT;
            """);
        return Stopwatch.GetTimestamp();
    }

    private async Task<PgbenchResult> RawAsync(int clients, int jobs)
    {
        var perClient = (jobs + clients - 1) / clients;
        await ExecuteAsync($$"""
            TRUNCATE bench_raw_jobs;
            INSERT INTO bench_raw_jobs (id, kind, org_id, user_id, payload, state, attempts, max_attempts, lease_version, run_after, created_at)
            SELECT 'run_raw_' || lpad(g::text, 8, '0'), 'bench.raw', 'org', 'user', '{}', 'queued', 0, 5, 0, now(), now()
              FROM generate_series(1, {{clients * perClient}}) g;
            """);
        return await Pgbench.RunAsync(system, RawClaimAndComplete, clients, ["-t", perClient.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>Connections opened since <paramref name="since"/> whose last statement was the runner's LISTEN.</summary>
    private async Task<long> ListenersSinceAsync(DateTime since)
    {
        await using var command = system.Postgres.CreateCommand(
            $"SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN {JobQueue.WakeUpChannel}' AND backend_start >= $1");
        command.Parameters.Add(new() { Value = since });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = system.Postgres.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = system.Postgres.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > (patience ?? TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
