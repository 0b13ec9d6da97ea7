using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>
/// Sends cases one at a time and judges each answer: no 5xx; an error in one of the operation's documented shapes with
/// a documented code; a refusal that committed nothing. Requests never overlap, so each write the log holds was made
/// during one request, or between them by a world making what a case needs; the log is read every few hundred cases.
/// </summary>
public sealed class FuzzRun(HttpClient http, ApiDocument document, WriteLog log)
{
    private const int CasesPerWriteCheck = 500;

    private readonly Dictionary<string, FuzzWorld> _worlds = document.Operations.Select((op, i) => (op.Key, World: new FuzzWorld(http, i))).ToDictionary(w => w.Key, w => w.World);
    private readonly List<(DateTime Sent, DateTime Answered, string Refusal)> _refusals = [];
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
        var (status, _, body) = await SendAsync(await world.BaselineAsync(operation));
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
        var draft = await world.BaselineAsync(fuzzCase.Operation);
        await fuzzCase.Mutation.Apply(draft, world);
        var sent = DateTime.UtcNow;
        var (status, media, body) = await SendAsync(draft);
        var answered = DateTime.UtcNow;
        Sent++;
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        var problem = status >= 500 ? "a server error"
            : status >= 400 && draft.Method != "HEAD" ? ShapeProblem(fuzzCase.Operation, media, body)
            : null;
        if (problem is not null)
        {
            Failures.Add((problem, $"{fuzzCase} answered {status}, {problem}: {Excerpt(body)}"));
        }

        if (status < 400)
        {
            world.Accepted(fuzzCase.Operation, Parse(body));
        }
        else
        {
            _refusals.Add((sent, answered, $"{fuzzCase} answered {status}"));
        }

        if (Sent % CasesPerWriteCheck == 0)
        {
            await CheckWritesAsync();
        }
    }

    /// <summary>Fails each refusal during which a write was made (this machine's clock, which Postgres shares).</summary>
    public async Task CheckWritesAsync()
    {
        var writes = await log.SinceAsync(_mark, Cancel);
        foreach (var (sent, answered, refusal) in _refusals)
        {
            var during = writes.Where(w => w.At >= sent && w.At <= answered).GroupBy(w => w.What).Select(g => $"{g.Key} × {g.Count()}").ToList();
            if (during.Count > 0)
            {
                Failures.Add(("a refusal that wrote", $"{refusal}, a refusal that wrote {string.Join(", ", during)}"));
            }
        }

        _mark = writes.Count > 0 ? writes[^1].Id : _mark;
        _refusals.Clear();
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
