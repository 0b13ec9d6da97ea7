using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Onboarding.Web.Services;

namespace Onboarding.Web.Tests.Support;

/// <summary>
/// Builds event chains whose hashes are computed here, with SHA-256 directly, independently of the
/// Web's verifier: <c>h0 = SHA-256("onboarding.chain/v1\n" + id)</c>, <c>h(n) = SHA-256(h(n-1) || seq\ntype\nts\npayload)</c>.
/// </summary>
internal static class Chains
{
    public const string SessionId = "ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y";
    public const long FirstTs = 1746478290000;

    public static List<SessionEventView> Build(params (string Type, string Payload)[] events) => Build(SessionId, events);

    public static List<SessionEventView> Build(string sessionId, params (string Type, string Payload)[] events)
    {
        var head = SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId));
        var chain = new List<SessionEventView>();
        foreach (var (type, payload) in events)
        {
            var seq = chain.Count + 1;
            var ts = FirstTs + (seq - 1) * 1000;
            head = SHA256.HashData([.. head, .. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seq}\n{type}\n{ts}\n{payload}"))]);
            chain.Add(new SessionEventView(seq, type, ts, Payload(payload), Convert.ToHexStringLower(head)));
        }

        return chain;
    }

    /// <summary>Adds one event to the end of <paramref name="chain"/>, hashed onto its last event.</summary>
    public static void Append(List<SessionEventView> chain, string type, string payload, string sessionId = SessionId)
    {
        var head = chain.Count == 0
            ? SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId))
            : Convert.FromHexString(chain[^1].Hash);
        var seq = chain.Count + 1;
        var ts = FirstTs + (seq - 1) * 1000;
        head = SHA256.HashData([.. head, .. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seq}\n{type}\n{ts}\n{payload}"))]);
        chain.Add(new SessionEventView(seq, type, ts, Payload(payload), Convert.ToHexStringLower(head)));
    }

    /// <summary>A payload element whose raw text is exactly <paramref name="json"/>, as when read from a response.</summary>
    public static JsonElement Payload(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>One event, for rendering tests that do not care about the chain.</summary>
    public static SessionEventView Event(string type, string payload, long seq = 1) =>
        new(seq, type, FirstTs, Payload(payload), new string('0', 64));
}
