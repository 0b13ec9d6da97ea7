using Microsoft.EntityFrameworkCore;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using Onboarding.Worker.Jobs;

namespace Onboarding.Worker.Interviews;

/// <summary>
/// The interview contract's analysis of an approved brief: reads the brief, analyses it, and writes the summary and insights for the
/// dashboard. A rescued run writes the same row again (one analysis per run).
/// </summary>
public sealed class AnalysisJobHandler(TimeProvider time) : IJobHandler
{
    public string Kind => JobKinds.Analysis;

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JobPayload.Read<AnalysisPayload>(job.Lease.Payload);
        Dictionary<string, string> fields;
        using (RunTelemetry.Source.StartActivity("read_brief"))
        {
            fields = await job.ReadAsync(
                (db, ct) => db.EntrepreneurBriefs.Where(b => b.SessionId == payload.InterviewId).Select(b => b.Fields).SingleAsync(ct),
                cancellationToken);
        }

        BriefAnalysisResult result;
        using (RunTelemetry.Source.StartActivity("analyse")?.SetTag(RunTimeline.DetailTag, $"{fields.Count} brief fields"))
        {
            result = BriefAnalyst.Analyse(fields);
        }

        using var span = RunTelemetry.Source.StartActivity("write_analysis")?.SetTag(RunTimeline.DetailTag, $"{result.Insights.Count} insights");
        await job.CompleteAsync(async (db, ct) =>
        {
            await db.BriefAnalyses.Where(a => a.RunId == job.RunId).ExecuteDeleteAsync(ct);
            db.BriefAnalyses.Add(new BriefAnalysis
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                RunId = job.RunId,
                SessionId = payload.InterviewId,
                ProjectId = payload.ProjectId,
                Summary = result.Summary,
                Insights = [.. result.Insights],
                Source = "offline",
                CreatedAt = time.GetUtcNow(),
            });
        }, cancellationToken);
    }
}
