using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Api.Sessions;

/// <summary>
/// The hash chain over a session's events. Anyone holding the events can verify it:
/// <c>h0 = SHA-256("onboarding.chain/v1\n" + session_id)</c>, then
/// <c>h(n) = SHA-256(h(n-1) || UTF-8(seq + "\n" + type + "\n" + ts + "\n" + payload))</c>,
/// where <c>payload</c> is the event's compact JSON exactly as the API returns it.
/// </summary>
public static class EventChain
{
    public static byte[] Genesis(string sessionId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId));

    public static byte[] Next(byte[] previous, long seq, string type, long ts, string payload)
    {
        var body = Encoding.UTF8.GetBytes($"{seq}\n{type}\n{ts}\n{payload}");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previous);
        sha.AppendData(body);
        return sha.GetHashAndReset();
    }
}
