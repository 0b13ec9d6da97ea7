using static Onboarding.IntegrationTests.Fuzzing.FuzzCases;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>Header damage: bearers of every wrong shape, Idempotency-Key abuse, content types that are not JSON; missing and twice.</summary>
public static class Headers
{
    private const string Authorization = "Authorization";
    private const string IdempotencyKey = "Idempotency-Key";

    public static IEnumerable<Mutation> Bearers(Operation operation)
    {
        Mutation Bearer(string change, params string?[] values) => new($"Authorization {change}", Sync(d => d.SetHeader(Authorization, values)));
        Mutation FromToken(string change, Func<string, string> value) => new($"Authorization {change}", async (d, world) =>
            d.SetHeader(Authorization, value(await world.ValueAsync(operation.Credential == Credential.WriteToken ? "writeToken" : "apiKey"))));
        Mutation Other(string change, string token) => new($"Authorization {change}", async (d, world) =>
            d.SetHeader(Authorization, "Bearer " + await world.ValueAsync(token)));

        yield return Bearer("left out");
        yield return Bearer("empty", "");
        yield return Bearer("Bearer alone", "Bearer");
        yield return Bearer("Bearer and spaces", "Bearer    ");
        yield return Bearer("Basic", "Basic Zm9vOmJhcg==");
        yield return Bearer("of 10,000 characters", "Bearer " + new string('x', 10_000));
        yield return Bearer("with NUL", "Bearer a\0b");
        yield return Bearer("not ASCII", "Bearer ключ");
        yield return Bearer("a bare key prefix", "Bearer onb_");
        yield return Bearer("a bare write token prefix", "Bearer wt_");
        yield return Bearer("three words", "Bearer a b c");
        yield return FromToken("scheme in lowercase", token => "bearer " + token);
        yield return FromToken("with a word after", token => $"Bearer {token} extra");
        yield return FromToken("one character longer", token => $"Bearer {token}x");
        yield return FromToken("one character shorter", token => $"Bearer {token[..^1]}");
        yield return FromToken("with its last character changed", token => $"Bearer {token[..^1]}{(token[^1] == 'A' ? 'B' : 'A')}");
        yield return FromToken("without the scheme", token => token);
        yield return Other("another workspace's API key", "otherApiKey");
        yield return Other("another session's write token", "otherWriteToken");
        yield return Other("a write token", "writeToken");
        yield return Other("an API key", "apiKey");
        yield return new("Authorization twice, valid first", async (d, world) =>
            d.SetHeader(Authorization, d.Headers.FirstOrDefault(h => h.Name == Authorization).Value ?? "Bearer " + await world.ValueAsync("apiKey"), "Bearer x"));
        yield return new("Authorization twice, valid second", async (d, world) =>
            d.SetHeader(Authorization, "Bearer x", d.Headers.FirstOrDefault(h => h.Name == Authorization).Value ?? "Bearer " + await world.ValueAsync("apiKey")));
    }

    public static IEnumerable<Mutation> IdempotencyKeys(Operation operation)
    {
        Mutation Key(string change, params string[] values) => new($"Idempotency-Key {change}", Sync(d => d.SetHeader(IdempotencyKey, values)));
        yield return Key("empty", "");
        yield return Key("a space", " ");
        yield return Key("of 256 characters", new string('k', 256));
        yield return Key("of 10,000 characters", new string('k', 10_000));
        yield return Key("not ASCII", "ключ");
        yield return Key("with a space inside", "a b");
        yield return Key("with a tab", "a\tb");
        yield return Key("with NUL", "a\0b");
        yield return Key("twice", "k1", "k2");
        // The same key first with the valid call, then with another body: the second must be refused (or replayed).
        var key = $"fuzz:{operation.Key.Replace(' ', ':')}";
        yield return Key("first use", key);
        yield return new("Idempotency-Key reused with another body", Sync(d =>
        {
            d.SetHeader(IdempotencyKey, key);
            d.SetField(["fuzzExtra"], "1"u8.ToArray());
        }));
    }

    public static IEnumerable<Mutation> ContentTypes()
    {
        Mutation Type(string change, string? type) => new($"Content-Type {change}", Sync(d => d.ContentType = type));
        yield return Type("left out", null);
        yield return Type("text/plain", "text/plain");
        yield return Type("a form", "application/x-www-form-urlencoded");
        yield return Type("multipart", "multipart/form-data; boundary=x");
        yield return Type("XML", "application/xml");
        yield return Type("JSON in UTF-16", "application/json; charset=utf-16");
        yield return Type("JSON in Latin-1", "application/json; charset=iso-8859-1");
        yield return Type("problem+json", "application/problem+json");
        yield return Type("with a broken parameter", "application/json; garbage");
        yield return Type("only semicolons", ";;");
        yield return Type("empty", "");
        yield return Type("any", "*/*");
        yield return Type("two types", "application/json, text/plain");
    }
}
