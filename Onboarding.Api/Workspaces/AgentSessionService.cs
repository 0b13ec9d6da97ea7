using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Onboarding.Api.Sessions;
using Onboarding.Data.Infrastructure;
using static Onboarding.Api.Workspaces.WorkspaceRules;

namespace Onboarding.Api.Workspaces;

public sealed record AgentSessionResponse(
    [property: Description("The agent session the org was claimed from, or null when it has none.")] AgentSessionView? AgentSession);

public sealed record AgentSessionView(
    string Id,
    [property: Description("The org's slug.")] string ClaimedBy,
    [property: Description("Who confirmed the claim.")] string ClaimedByEmail,
    DateTime ClaimedAt,
    DateTime OpenedAt,
    string? UserAgent,
    string? ProjectHint,
    [property: Description("Events in the session's chain, the server's own included.")] long EventCount,
    [property: Description("The live viewer, with a fresh view token.")] string ViewUrl,
    [property: Description("The chain's last events, newest first (at most 5).")] IReadOnlyList<AgentEventSummary> LastEvents);

public sealed record AgentEventSummary(long Seq, string Type, [property: Description("The agent's time, epoch ms.")] long Ts);

/// <summary>The coding agent's session behind a workspace: the first part of the journey the dashboard's home shows.</summary>
public sealed class AgentSessionService(OnboardingDbContext db, ViewTokens viewTokens, TimeProvider time, IOptions<AgentSessionOptions> options)
{
    private const int LastEvents = 5;

    public async Task<AgentSessionView?> ClaimedByAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var claimed = await (
            from c in db.Claims.AsNoTracking()
            where c.OrgId == workspace.OrgId && c.ConfirmedAt != null
            join s in db.AgentSessions.AsNoTracking() on c.SessionId equals s.Id
            orderby c.ConfirmedAt descending
            select new { Claim = c, Session = s }).FirstOrDefaultAsync(cancellationToken);
        if (claimed is null)
        {
            return null;
        }

        var session = claimed.Session;
        var events = await db.SessionEvents.AsNoTracking()
            .Where(e => e.SessionId == session.Id)
            .OrderByDescending(e => e.Seq)
            .Take(LastEvents)
            .Select(e => new AgentEventSummary(e.Seq, e.Type, e.Ts))
            .ToListAsync(cancellationToken);
        // A short-lived token, as every read of the viewer hands out: the viewer rotates it from there.
        var token = viewTokens.Issue(session.Id, session.TokenGeneration, time.GetUtcNow() + options.Value.RotatedViewTokenLifetime);
        return new AgentSessionView(
            session.Id,
            claimed.Claim.OrgSlug,
            claimed.Claim.Email,
            Utc(claimed.Claim.ConfirmedAt!.Value),
            Utc(session.OpenedAt),
            session.UserAgent,
            session.ProjectHint,
            session.LastSeq,
            $"{options.Value.PublicWebUrl.TrimEnd('/')}/onboarding/{session.Id}?t={token}",
            events);
    }
}
