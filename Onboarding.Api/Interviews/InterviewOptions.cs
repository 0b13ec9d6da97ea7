using System.ComponentModel.DataAnnotations;

namespace Onboarding.Api.Interviews;

/// <summary>
/// The interviewer's model, section <c>Interview</c>. With no <see cref="Endpoint"/> the offline interviewer asks the
/// questions; with one, a chat model words them (the assessment still decides what is asked and when a stage is done).
/// </summary>
public sealed class InterviewOptions
{
    public const string SectionName = "Interview";

    /// <summary><c>Interview:Endpoint</c>: the base URI of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>Interview:ApiKey</c>: sent as <c>Authorization: Bearer</c>; optional for local servers. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>Interview:Model</c>: the model name; required with an endpoint.</summary>
    public string? Model { get; set; }

    /// <summary><c>Interview:Timeout</c>: how long one reply may take before the offline interviewer answers instead. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(0, 5)]
    public int MaxRetries { get; set; } = 1;

    public bool UsesModel => !string.IsNullOrWhiteSpace(Endpoint);

    public Uri? EndpointUri =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
