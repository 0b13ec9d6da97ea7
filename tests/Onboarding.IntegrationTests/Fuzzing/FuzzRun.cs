using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>
/// Sends cases one at a time (so that each refusal's writes are its own) and judges each answer: no 5xx; an error in one
/// of the operation's documented shapes with a documented code; a refusal that committed nothing.
/// </summary>
public sealed class FuzzRun(HttpClient http, ApiDocument document, WriteLog log)
{
    private readonly Dictionary<string, FuzzWorld> _worlds = document.Operations.Select((op, i) => (op.Key, World: new FuzzWorld(http, i))).ToDictionary(w => w.Key, w => w.World);
    private long _mark;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public int Sent { get; private set; }

    public SortedDictionary<int, int> Statuses { get; } = [];

    /// <summary>What went wrong, each with the case that shows it.</summary>
    public List<(string Problem, string Message)> Failures { get; } = [];

    public FuzzWorld WorldOf(Operation operation) => _worlds[operation.Key];

    /// <summary>Sends an operation's valid call, and says what it answered.</summary>
    public async Task<(int Status, string? Body)> SendValidAsync(Operation operation)
    {
        var world = WorldOf(operation);
        var (status, _, body) = await SendAsync(await RequestDraft.BaselineAsync(operation, world));
        if (status < 400)
        {
            world.Accepted(operation, Parse(body));
        }

        _mark = await log.LastAsync(Cancel);
        return (status, body);
    }

    public async Task CheckAsync(FuzzCase fuzzCase)
    {
        var world = WorldOf(fuzzCase.Operation);
        var made = world.Made;
        var draft = await RequestDraft.BaselineAsync(fuzzCase.Operation, world);
        await fuzzCase.Mutation.Apply(draft, world);
        if (world.Made != made)
        {
            // What the world just made for this case was written before it, not by it.
            _mark = await log.LastAsync(Cancel);
        }

        var (status, media, body) = await SendAsync(draft);
        Sent++;
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        var problem = status >= 500 ? "a server error"
            : status >= 400 && draft.Method != "HEAD" ? ShapeProblem(fuzzCase.Operation, media, body)
            : null;
        var last = await log.LastAsync(Cancel);
        if (status >= 400 && last != _mark)
        {
            problem ??= $"a refusal that wrote {await log.SinceAsync(_mark, Cancel)}";
        }
        else if (status < 400)
        {
            world.Accepted(fuzzCase.Operation, Parse(body));
        }

        _mark = last;
        if (problem is not null)
        {
            Failures.Add((problem, $"{fuzzCase} answered {status}, {problem}: {Excerpt(body)}"));
        }
    }

    /// <summary>The status, media type and body, unless it is an event stream (a status stream ends only with its run).</summary>
    private async Task<(int Status, string? Media, string? Body)> SendAsync(RequestDraft draft)
    {
        using var request = draft.ToRequest();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        var media = response.Content.Headers.ContentType?.MediaType;
        return ((int)response.StatusCode, media, media == "text/event-stream" ? null : await response.Content.ReadAsStringAsync(Cancel));
    }

    private string? ShapeProblem(Operation operation, string? media, string? body) =>
        media != "application/json" ? $"not JSON but {media ?? "no content type"}"
        : Parse(body) is not { } json ? "not JSON"
        : document.Mismatch(operation, json) is { } mismatch ? $"not in a documented shape ({mismatch})"
        : null;

    private static JsonNode? Parse(string? body)
    {
        try
        {
            return body is null ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string? body) => body is null ? "(a stream)" : body.Length <= 300 ? body : body[..300] + "…";
}
