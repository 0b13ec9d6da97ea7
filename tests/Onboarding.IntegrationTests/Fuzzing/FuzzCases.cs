using System.Text;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>What a case changes in an operation's valid call.</summary>
public sealed record Mutation(string Change, Func<RequestDraft, FuzzWorld, Task> Apply);

/// <summary>One request of a run: the operation, and the one thing that differs from its valid call.</summary>
public sealed record FuzzCase(int Number, Operation Operation, Mutation Mutation)
{
    public override string ToString() => $"#{Number} {Operation.Key}: {Mutation.Change}";
}

/// <summary>
/// The cases of a run. First every operation with each of its fields, parameters, headers and bodies damaged in each
/// known way (the same every run); then random ones from the seed, so a failure names a seed that makes it again.
/// </summary>
public static class FuzzCases
{
    public static IEnumerable<FuzzCase> All(ApiDocument document, int seed, int randomCount)
    {
        var number = 0;
        var operations = document.Operations;
        var known = operations.ToDictionary(op => op, Exhaustive);
        foreach (var operation in operations)
        {
            foreach (var mutation in known[operation])
            {
                yield return new FuzzCase(number++, operation, mutation);
            }
        }

        var random = new Random(seed);
        for (var i = 0; i < randomCount; i++)
        {
            var operation = operations[random.Next(operations.Count)];
            yield return new FuzzCase(number++, operation, Random(operation, known[operation], random));
        }
    }

    /// <summary>The document's fields of the body, and any the valid call's body has besides (inside an opaque payload).</summary>
    public static IReadOnlyList<BodyField> FieldsOf(Operation operation)
    {
        var fields = operation.Fields.ToList();
        if (FuzzWorld.Baselines[operation.Key].Body is { } body)
        {
            CollectPaths(JsonNode.Parse(body)!, [], fields);
        }

        return fields.DistinctBy(f => f.ToString()).ToList();
    }

    private static List<Mutation> Exhaustive(Operation operation)
    {
        var mutations = new List<Mutation>();
        if (operation.TakesBody)
        {
            foreach (var field in FieldsOf(operation))
            {
                mutations.AddRange(HostileValues.Corpus.Select(value => Field(field, value)));
            }
        }

        foreach (var parameter in operation.Parameters)
        {
            // In a path, a NUL never reaches the Api: Kestrel refuses the request line (and the in-process server cannot carry it).
            mutations.AddRange(HostileValues.UrlValues.Where(v => parameter.In == "query" || !v.Encoded.Contains("%00", StringComparison.Ordinal))
                .Select(value => Url(parameter, value.Name, value.Encoded)));
            if (parameter.In == "query")
            {
                mutations.Add(new($"query {parameter.Name} left out", Sync(d => d.Query.RemoveAll(q => q.Name == parameter.Name))));
                mutations.Add(new($"query {parameter.Name} given twice", Sync(d => d.Query.AddRange(d.Query.Where(q => q.Name == parameter.Name).ToList()))));
                mutations.Add(new($"query {parameter.Name} given again as x", Sync(d => d.Query.Add((parameter.Name, "x")))));
            }
        }

        mutations.AddRange(Headers.Bearers(operation));
        mutations.AddRange(Headers.IdempotencyKeys(operation));
        if (operation.TakesBody)
        {
            mutations.AddRange(Headers.ContentTypes());
        }

        mutations.AddRange(Bodies(operation));
        mutations.AddRange(new[] { "PATCH", "DELETE" }.Select(method => new Mutation($"method {method}", Sync(d => d.Method = method))));
        return mutations;
    }

    private static Mutation Random(Operation operation, List<Mutation> known, Random random)
    {
        var roll = random.Next(100);
        if (operation.TakesBody && roll < 70)
        {
            var fields = FieldsOf(operation);
            return Field(fields[random.Next(fields.Count)], HostileValues.Random(random));
        }

        if (operation.Parameters.Count > 0 && roll < 80)
        {
            var (name, encoded) = HostileValues.UrlValues[random.Next(HostileValues.UrlValues.Count)];
            var parameter = operation.Parameters[random.Next(operation.Parameters.Count)];
            return Url(parameter, name, parameter.In == "path" ? encoded.Replace("%00", "", StringComparison.Ordinal) : encoded);
        }

        if (roll < 90)
        {
            var value = HostileValues.Random(random);
            return new($"body ← {value.Name}", Sync(d => (d.Body, d.ContentType) = (value.Json ?? [], "application/json")));
        }

        return known[random.Next(known.Count)];
    }

    private static Mutation Field(BodyField field, Hostile value) =>
        new($"{field} ← {value.Name}", Sync(d => d.SetField(field.Path, value.Json)));

    private static Mutation Url(Parameter parameter, string name, string encoded) => parameter.In == "path"
        ? new($"path {parameter.Name} ← {name}", Sync(d => d.PathValues[parameter.Name] = encoded))
        : new($"query {parameter.Name} ← {name}", Sync(d =>
        {
            d.Query.RemoveAll(q => q.Name == parameter.Name);
            d.Query.Add((parameter.Name, encoded));
        }));

    /// <summary>Whole bodies that are not the call's: empty, not an object, cut short, in another encoding, too deep or too big.</summary>
    private static IEnumerable<Mutation> Bodies(Operation operation)
    {
        Mutation Body(string change, Func<byte[], byte[]> body) => new($"body {change}", Sync(d => (d.Body, d.ContentType) = (body(d.Body ?? "{}"u8.ToArray()), "application/json")));
        yield return Body("empty", _ => []);
        yield return Body("whitespace", _ => " \r\n\t "u8.ToArray());
        yield return Body("null", _ => "null"u8.ToArray());
        yield return Body("an array", _ => "[]"u8.ToArray());
        yield return Body("a string", _ => "\"x\""u8.ToArray());
        yield return Body("a number", _ => "0"u8.ToArray());
        yield return Body("only {", _ => "{"u8.ToArray());
        yield return Body("nested 100,000 deep", _ => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)));
        yield return Body("with 2 MiB of padding", b => [.. "{\"pad\":\""u8, .. Enumerable.Repeat((byte)'a', 2 << 20), .. "\","u8, .. b.AsSpan(1)]);
        if (!operation.TakesBody)
        {
            yield break;
        }

        yield return Body("cut after 1 byte", b => b[..1]);
        yield return Body("cut in half", b => b[..(b.Length / 2)]);
        yield return Body("missing its last byte", b => b[..^1]);
        yield return Body("with trailing garbage", b => [.. b, .. " x"u8]);
        yield return Body("twice", b => [.. b, .. b]);
        yield return Body("after a BOM", b => [0xEF, 0xBB, 0xBF, .. b]);
        yield return Body("in UTF-16", b => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(b)));
        yield return Body("after a comment", b => [.. "/* c */"u8, .. b]);
        yield return Body("with a trailing comma", b => [.. b[..^1], .. ",}"u8]);
        yield return Body("with its first key again", b => JsonNode.Parse(b) is JsonObject { Count: > 0 } o
            ? [.. b[..^1], .. Encoding.UTF8.GetBytes($",\"{o.First().Key}\":null}}")]
            : b);
    }

    private static void CollectPaths(JsonNode node, List<string> path, List<BodyField> fields)
    {
        var children = node switch
        {
            JsonObject obj => obj.Select(p => (Segment: p.Key, Value: p.Value)).ToList(),
            JsonArray { Count: > 0 } array => [("[]", array[0])],
            _ => [],
        };
        foreach (var (segment, value) in children)
        {
            fields.Add(new BodyField([.. path, segment]));
            if (value is not null)
            {
                CollectPaths(value, [.. path, segment], fields);
            }
        }
    }

    public static Func<RequestDraft, FuzzWorld, Task> Sync(Action<RequestDraft> apply) => (draft, _) =>
    {
        apply(draft);
        return Task.CompletedTask;
    };
}
