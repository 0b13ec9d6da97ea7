using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>An independent verifier of the documented chain, written from the README's formula rather than the Api's code.</summary>
public static class Chain
{
    /// <summary>Verifies a session read: gap-free sequence from 1, and every hash links to the previous one.</summary>
    public static void AssertVerifies(string rawBody)
    {
        var session = JsonNode.Parse(rawBody)!;
        var sessionId = session["session_id"]!.GetValue<string>();
        var events = session["events"]!.AsArray();
        var payloads = RawPayloads(rawBody);
        var previous = SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId));
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i]!;
            Assert.Equal(i + 1, e["seq"]!.GetValue<long>());
            var body = Encoding.UTF8.GetBytes($"{e["seq"]}\n{e["type"]!.GetValue<string>()}\n{e["ts"]}\n{payloads[i]}");
            var expected = SHA256.HashData([.. previous, .. body]);
            Assert.Equal(Convert.ToHexStringLower(expected), e["hash"]!.GetValue<string>());
            previous = expected;
        }
    }

    /// <summary>Each event's payload exactly as it appears in the response body.</summary>
    private static List<string> RawPayloads(string rawBody)
    {
        using var document = System.Text.Json.JsonDocument.Parse(rawBody);
        return document.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("payload").GetRawText()).ToList();
    }
}
