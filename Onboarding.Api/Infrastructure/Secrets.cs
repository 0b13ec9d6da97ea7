using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Api.Infrastructure;

/// <summary>Bearer secrets: 256 random bits, handed out once, kept only as their SHA-256.</summary>
public static class Secrets
{
    public static string NewToken(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string? presented, byte[] storedHash) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? BearerToken(this HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    /// <summary>A response that carries or answers a capability token: no cache keeps it, no link leaks it as a referrer.</summary>
    public static void KeepOutOfCachesAndReferrers(this HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
