using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Onboarding.Api.Infrastructure;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Jobs;
using Onboarding.Data.Model;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Workspaces;

/// <summary>The caller of the workspace surface, from its API key.</summary>
public sealed record Workspace(string OrgId, string UserId, string Email);

/// <summary>Starts onboarding scrapes and reports on them (docs/api/workspace.md).</summary>
public sealed class ScrapeService(OnboardingDbContext db, Idempotency idempotency, TimeProvider time)
{
    public async Task<Outcome<StartScrapingResponse>> StartAsync(
        Workspace workspace, StartScrapingRequest request, IdempotencyRequest? idempotent, CancellationToken cancellationToken)
    {
        if (!IsWebsite(request.Website))
        {
            return Errors.InvalidRequest("website must be an absolute http or https URL, such as https://acme.com.");
        }

        if (request.Email is not null && !IsEmail(request.Email))
        {
            return Errors.InvalidRequest("email must be a valid email address, such as sid@acme.com.");
        }

        if (request.FirstName?.Length > MaxNameLength || request.LastName?.Length > MaxNameLength)
        {
            return Errors.InvalidRequest($"firstName and lastName must be at most {MaxNameLength} characters.");
        }

        return await idempotency.CommitOnceAsync(
            idempotent, StatusCodes.Status200OK, Errors.IdempotencyKeyReused(), () => QueueAsync(workspace, request, cancellationToken), cancellationToken,
            JsonSerializerOptions.Web);
    }

    /// <summary>Writes the session and the profile's fields and queues the run; the caller commits.</summary>
    private async Task<Outcome<StartScrapingResponse>> QueueAsync(Workspace workspace, StartScrapingRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var email = (request.Email ?? workspace.Email).ToLowerInvariant();
        var session = new ScrapeSession
        {
            Id = Guid.CreateVersion7(now),
            OrgId = workspace.OrgId,
            UserId = workspace.UserId,
            RunId = Ids.NewRunId(),
            Website = request.Website!,
            Email = email,
            FirstName = string.IsNullOrWhiteSpace(request.FirstName) ? FirstNameFromEmail(email) : request.FirstName.Trim(),
            LastName = string.IsNullOrWhiteSpace(request.LastName) ? null : request.LastName.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ScrapeSessions.Add(session);
        var profile = await Profiles.LockAsync(db, workspace, now, cancellationToken);
        profile.Email = email;
        profile.FirstName = session.FirstName;
        profile.LastName = session.LastName ?? profile.LastName;
        profile.Website = session.Website;
        profile.UpdatedAt = now;
        Activity.Current?.SetTag(Microsoft.Extensions.Hosting.RunTelemetry.RunIdTag, session.RunId);
        await JobQueue.EnqueueAsync(db, new Job
        {
            Id = session.RunId,
            Kind = JobKinds.Scrape,
            OrgId = workspace.OrgId,
            UserId = workspace.UserId,
            SessionId = session.Id,
            Payload = JobPayload.Write(new ScrapePayload(session.Website)),
            RunAfter = now,
            CreatedAt = now,
            TraceParent = JobQueue.CurrentTraceParent(),
        }, cancellationToken);

        return new StartScrapingResponse(session.Id, session.RunId);
    }

    // The session with its run's trace, in one query. Clients poll this every few seconds, so it is compiled once: a poll
    // skips building the LINQ expression and matching it in EF's query cache, which cost more than the query itself.
    // A compiled query cannot share its body with another, hence the two that differ only in how they pick the session.
    private static readonly Func<OnboardingDbContext, string, Guid, CancellationToken, Task<SessionWithTrace?>> SessionOfUser = EF.CompileAsyncQuery(
        (OnboardingDbContext db, string userId, Guid id, CancellationToken _) => (
            from s in db.ScrapeSessions.AsNoTracking()
            where s.UserId == userId && s.Id == id
            join j in db.Jobs on s.RunId equals j.Id into runs
            from run in runs.DefaultIfEmpty()
            select new SessionWithTrace(s, run.TraceParent)).SingleOrDefault());

    private static readonly Func<OnboardingDbContext, string, CancellationToken, Task<SessionWithTrace?>> LatestSessionOfUser = EF.CompileAsyncQuery(
        (OnboardingDbContext db, string userId, CancellationToken _) => (
            from s in db.ScrapeSessions.AsNoTracking()
            where s.UserId == userId
            join j in db.Jobs on s.RunId equals j.Id into runs
            from run in runs.DefaultIfEmpty()
            orderby s.CreatedAt descending, s.Id descending
            select new SessionWithTrace(s, run.TraceParent)).FirstOrDefault());

    /// <summary>The given session of this user, or the latest one when no id is given; null when there is none.</summary>
    public async Task<ScrapeSessionView?> StatusAsync(Workspace workspace, Guid? sessionId, CancellationToken cancellationToken)
    {
        var found = sessionId is { } id
            ? await SessionOfUser(db, workspace.UserId, id, cancellationToken)
            : await LatestSessionOfUser(db, workspace.UserId, cancellationToken);
        if (found is null)
        {
            return null;
        }

        var session = found.Session;
        return new ScrapeSessionView(
            session.Id, session.Status, session.CompanyName, session.ErrorMessage, session.ErrorStep, session.Website, session.RunId,
            Job.TraceIdOf(found.TraceParent),
            session.PagesFound, session.PagesFetched, Utc(session.CreatedAt), Utc(session.UpdatedAt), Utc(session.CompletedAt));
    }

    private sealed record SessionWithTrace(ScrapeSession Session, string? TraceParent);
}
