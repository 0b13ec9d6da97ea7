using System.Text;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>A request being put together: an operation's valid call, then the one thing a case changes in it.</summary>
public sealed class RequestDraft
{
    private static readonly byte[] Marker = "\"fuzz-value-goes-here\""u8.ToArray();

    public required string Method { get; set; }

    /// <summary>The document's path template; its parameters' values (percent-encoded) are in <see cref="PathValues"/>.</summary>
    public required string Path { get; init; }

    public Dictionary<string, string> PathValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Query parameters, percent-encoded, in order; a name may come twice.</summary>
    public List<(string Name, string Value)> Query { get; } = [];

    public byte[]? Body { get; set; }

    public string? ContentType { get; set; } = "application/json";

    public List<(string Name, string Value)> Headers { get; } = [];

    /// <summary>The valid call of an operation in a world.</summary>
    public static async Task<RequestDraft> BaselineAsync(Operation operation, FuzzWorld world)
    {
        var baseline = FuzzWorld.Baselines[operation.Key];
        var draft = new RequestDraft { Method = operation.Method, Path = operation.Path };
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            draft.PathValues[parameter.Name] = Uri.EscapeDataString(await world.ValueAsync(FuzzWorld.PlaceholderOf(parameter.Name, operation.Path)));
        }

        if (baseline.Query is not null)
        {
            foreach (var pair in (await world.FillAsync(baseline.Query)).Split('&'))
            {
                var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                draft.Query.Add((name, Uri.EscapeDataString(value)));
            }
        }

        draft.Body = baseline.Body is null ? null : Encoding.UTF8.GetBytes(JsonNode.Parse(await world.FillAsync(baseline.Body))!.ToJsonString());
        draft.ContentType = draft.Body is null ? null : "application/json";
        var token = operation.Credential switch
        {
            Credential.ApiKey => await world.ValueAsync("apiKey"),
            Credential.WriteToken => await world.ValueAsync("writeToken"),
            _ => null,
        };
        if (token is not null)
        {
            draft.Headers.Add(("Authorization", "Bearer " + token));
        }

        return draft;
    }

    /// <summary>The body with the field at <paramref name="path"/> replaced by raw bytes, or left out when they are null.</summary>
    public void SetField(IReadOnlyList<string> path, byte[]? value)
    {
        var root = Body is null ? new JsonObject() : JsonNode.Parse(Body) as JsonObject ?? new JsonObject();
        JsonNode parent = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            parent = Container(parent, path[i], array: path[i + 1] == "[]");
        }

        if (value is null)
        {
            Remove(parent, path[^1]);
            Body = Encoding.UTF8.GetBytes(root.ToJsonString());
            return;
        }

        Put(parent, path[^1], JsonValue.Create("fuzz-value-goes-here"));
        var text = Encoding.UTF8.GetBytes(root.ToJsonString());
        var at = text.AsSpan().IndexOf(Marker);
        Body = [.. text.AsSpan(0, at), .. value, .. text.AsSpan(at + Marker.Length)];
    }

    public HttpRequestMessage ToRequest()
    {
        var path = PathValues.Aggregate(Path, (p, v) => p.Replace($"{{{v.Key}}}", v.Value, StringComparison.Ordinal));
        var query = Query.Count == 0 ? "" : "?" + string.Join('&', Query.Select(q => $"{q.Name}={q.Value}"));
        var request = new HttpRequestMessage(new HttpMethod(Method), path + query);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>The object or array at a segment (an array's first item for <c>[]</c>, a map's first value for <c>*</c>), made if it is not one.</summary>
    private static JsonNode Container(JsonNode parent, string segment, bool array)
    {
        var existing = segment == "[]" ? parent.AsArray().FirstOrDefault() : parent.AsObject()[Key(parent.AsObject(), segment)];
        if (existing is JsonArray && array || existing is JsonObject && !array)
        {
            return existing;
        }

        JsonNode made = array ? new JsonArray() : new JsonObject();
        Put(parent, segment, made);
        return made;
    }

    private static void Put(JsonNode parent, string segment, JsonNode node)
    {
        if (segment != "[]")
        {
            parent.AsObject()[Key(parent.AsObject(), segment)] = node;
        }
        else if (parent.AsArray() is { Count: 0 } empty)
        {
            empty.Add(node);
        }
        else
        {
            parent[0] = node;
        }
    }

    private static void Remove(JsonNode parent, string segment)
    {
        if (segment != "[]")
        {
            parent.AsObject().Remove(Key(parent.AsObject(), segment));
        }
        else if (parent.AsArray().Count > 0)
        {
            parent.AsArray().RemoveAt(0);
        }
    }

    private static string Key(JsonObject obj, string segment) => segment == "*" ? obj.Select(p => p.Key).FirstOrDefault() ?? "fuzz" : segment;

    /// <summary>A copy, for a case to change.</summary>
    public RequestDraft Copy()
    {
        var copy = new RequestDraft { Method = Method, Path = Path, Body = Body, ContentType = ContentType };
        foreach (var (name, value) in PathValues)
        {
            copy.PathValues[name] = value;
        }

        copy.Query.AddRange(Query);
        copy.Headers.AddRange(Headers);
        return copy;
    }

    /// <summary>Sets (or, with null, removes) a request header.</summary>
    public void SetHeader(string name, params string?[] values)
    {
        Headers.RemoveAll(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        Headers.AddRange(values.OfType<string>().Select(v => (name, v)));
    }
}
