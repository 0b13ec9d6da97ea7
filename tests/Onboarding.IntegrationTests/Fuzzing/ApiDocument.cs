using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>Which bearer an operation takes, as the document's security requirement says.</summary>
public enum Credential
{
    None,
    WriteToken,
    ApiKey,
}

/// <summary>A path or query parameter.</summary>
public sealed record Parameter(string Name, string In);

/// <summary>A field of a request body: property names from the root, <c>[]</c> for an array's item, <c>*</c> for a map's value.</summary>
public sealed record BodyField(IReadOnlyList<string> Path)
{
    public override string ToString() => string.Concat(Path.Select((segment, i) => segment == "[]" ? "[0]" : i == 0 ? segment : "." + segment));
}

/// <summary>One operation of the document and everything the fuzzer reads from it.</summary>
public sealed record Operation(
    string Method, string Path, IReadOnlyList<Parameter> Parameters, IReadOnlyList<BodyField> Fields, bool TakesBody, Credential Credential,
    IReadOnlyList<JsonNode> ErrorShapes)
{
    public string Key => $"{Method} {Path}";

    public override string ToString() => Key;
}

/// <summary>
/// The Api's OpenAPI document as the fuzzer reads it: the operations of the three surfaces, their parameters, every field
/// of their request schemas, the bearer each takes, and the shapes their errors are documented in (codes as enums).
/// </summary>
public sealed class ApiDocument(JsonNode document)
{
    private const int MaxSchemaDepth = 8;

    public IReadOnlyList<Operation> Operations { get; } = ReadOperations(document);

    /// <summary>Why an error body matches none of the operation's documented error shapes, or null when one matches.</summary>
    public string? Mismatch(Operation operation, JsonNode? body)
    {
        var reasons = operation.ErrorShapes.Select(shape => Mismatch(body, shape, "$", depth: 0)).ToList();
        return reasons.Any(r => r is null) ? null : string.Join("; or ", reasons.Distinct());
    }

    private static List<Operation> ReadOperations(JsonNode document)
    {
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/onboarding/", StringComparison.Ordinal) && !path.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (method, node) in item!.AsObject())
            {
                var parameters = node!["parameters"]?.AsArray().Select(p => new Parameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList() ?? [];
                var body = node["requestBody"]?["content"]?["application/json"]?["schema"];
                var fields = new List<BodyField>();
                if (body is not null)
                {
                    CollectFields(document, body, [], fields, depth: 0);
                }

                var scheme = node["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).FirstOrDefault();
                var errors = node["responses"]!.AsObject()
                    .Where(r => int.TryParse(r.Key, out var status) && status >= 400)
                    .Select(r => r.Value?["content"]?["application/json"]?["schema"])
                    .OfType<JsonNode>()
                    .Select(schema => Resolve(document, schema))
                    .DistinctBy(schema => schema.ToJsonString())
                    .ToList();
                operations.Add(new Operation(method.ToUpperInvariant(), path, parameters, fields, body is not null,
                    scheme switch { "api_key" => Credential.ApiKey, "write_token" => Credential.WriteToken, _ => Credential.None }, errors));
            }
        }

        return operations;
    }

    /// <summary>Every property, array item and map value the schema declares, depth first.</summary>
    private static void CollectFields(JsonNode document, JsonNode schema, List<string> path, List<BodyField> fields, int depth)
    {
        if (depth > MaxSchemaDepth)
        {
            return;
        }

        foreach (var alternative in Alternatives(document, schema))
        {
            if (alternative["properties"] is JsonObject properties)
            {
                foreach (var (name, property) in properties)
                {
                    Descend(document, property!, [.. path, name], fields, depth);
                }
            }

            if (alternative["items"] is { } items)
            {
                Descend(document, items, [.. path, "[]"], fields, depth);
            }

            if (alternative["additionalProperties"] is JsonObject map)
            {
                Descend(document, map, [.. path, "*"], fields, depth);
            }
        }
    }

    private static void Descend(JsonNode document, JsonNode schema, List<string> path, List<BodyField> fields, int depth)
    {
        fields.Add(new BodyField(path));
        CollectFields(document, schema, path, fields, depth + 1);
    }

    /// <summary>The schema itself, or each of its oneOf alternatives, references resolved and the null alternative left out.</summary>
    private static IEnumerable<JsonNode> Alternatives(JsonNode document, JsonNode schema)
    {
        var resolved = Resolve(document, schema);
        return resolved["oneOf"] is JsonArray oneOf
            ? oneOf.Select(s => Resolve(document, s!)).Where(s => s["type"]?.GetValue<string?>() != "null")
            : [resolved];
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!;
        }

        return schema;
    }

    private string? Mismatch(JsonNode? value, JsonNode schema, string at, int depth)
    {
        schema = Resolve(document, schema);
        if (depth > MaxSchemaDepth)
        {
            return null;
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var reasons = oneOf.Select(s => Mismatch(value, s!, at, depth + 1)).ToList();
            return reasons.Any(r => r is null) ? null : string.Join(" or ", reasons);
        }

        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => null,
        };
        if (types is not null && !types.Any(type => Is(kind, type)))
        {
            return $"{at} is {kind}, documented as {string.Join("|", types)}";
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return $"{at} = {value?.ToJsonString()} is not one of the documented {allowed.ToJsonString()}";
        }

        if (kind != JsonValueKind.Object)
        {
            return null;
        }

        var missing = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).FirstOrDefault(name => !value!.AsObject().ContainsKey(name));
        if (missing is not null)
        {
            return $"{at}.{missing} is missing";
        }

        return schema["properties"]?.AsObject()
            .Where(p => value!.AsObject().ContainsKey(p.Key))
            .Select(p => Mismatch(value![p.Key], p.Value!, $"{at}.{p.Key}", depth + 1))
            .FirstOrDefault(r => r is not null);
    }

    private static bool Is(JsonValueKind kind, string type) => type switch
    {
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "integer" or "number" => kind == JsonValueKind.Number,
        "null" => kind == JsonValueKind.Null,
        _ => false,
    };
}
