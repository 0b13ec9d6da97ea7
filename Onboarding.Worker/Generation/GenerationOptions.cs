using System.ComponentModel.DataAnnotations;

namespace Onboarding.Worker.Generation;

/// <summary>
/// Context generation's settings, section <c>Generation</c>. With no <see cref="Endpoint"/> the offline extractor
/// builds the contexts; with one, a chat model does, and the offline extractor stands in for any generation the model
/// fails.
/// </summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    /// <summary>
    /// <c>Generation:Endpoint</c>: the absolute base URI of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c>
    /// or a local server's <c>http://127.0.0.1:8080/v1</c> (requests go to <c>{Endpoint}/chat/completions</c>). Empty (the
    /// default) selects the offline extractor.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// <c>Generation:ApiKey</c>: sent as <c>Authorization: Bearer</c>. Optional for local servers (the OpenAI client
    /// then sends the placeholder <c>none</c>, as it insists on a key). Never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary><c>Generation:Model</c>: the model name the endpoint serves, e.g. <c>gpt-4.1-mini</c>; required with an endpoint.</summary>
    public string? Model { get; set; }

    /// <summary><c>Generation:Timeout</c>: the limit on one generation's model call, retries included. Default 90 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// <c>Generation:MaxRetries</c>: retries of a model call that failed transiently (connection errors, 408, 429, 5xx),
    /// within <see cref="Timeout"/>. Default 2.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// <c>Generation:MaxInputCharacters</c>: how much page text one generation sends, shared out across the pages (home
    /// page first). Default 40,000 characters (about 10,000 tokens).
    /// </summary>
    [Range(2_000, 1_000_000)]
    public int MaxInputCharacters { get; set; } = 40_000;

    /// <summary>
    /// <c>Generation:UseJsonSchema</c>: true (default) asks for structured output with a JSON schema
    /// (<c>response_format: json_schema</c>); false, for servers without it, puts the schema in the prompt and asks for
    /// JSON mode. The answer is validated either way.
    /// </summary>
    public bool UseJsonSchema { get; set; } = true;

    /// <summary>A model is used when an endpoint is configured.</summary>
    public bool UsesModel => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint as an absolute http(s) URI, or null when it is not one.</summary>
    public Uri? EndpointUri =>
        Uri.TryCreate(Endpoint?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
