using System.Text.Json;

namespace Onboarding.Data.Jobs;

/// <summary>The input of a <see cref="Model.JobKinds.Scrape"/> job.</summary>
public sealed record ScrapePayload(string Website);

/// <summary>The input of a <see cref="Model.JobKinds.Regenerate"/> job (docs/api/workspace.md); without a website, the profile's is crawled again.</summary>
public sealed record RegeneratePayload(string? Website, string? LinkedinUrl, string? CompanyLinkedinUrl);

/// <summary>The input of a <see cref="Model.JobKinds.Analysis"/> job: the interview whose brief to analyse, and its project.</summary>
public sealed record AnalysisPayload(string InterviewId, Guid ProjectId);

/// <summary>Payloads are stored as camelCase JSON, like the rest of the workspace data.</summary>
public static class JobPayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T payload) => JsonSerializer.Serialize(payload, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"The job's payload is not a {typeof(T).Name}.");
}
