using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Api.Claims;

/// <summary>A freshly issued key: the plaintext (shown once), what is stored, and what may be shown later.</summary>
public sealed record IssuedApiKey(string Key, string Prefix, byte[] Hash);

/// <summary>
/// API keys: <c>onb_</c> + 256 random bits (base64url) + a 6-character checksum (truncated SHA-256 of the
/// rest). The checksum lets a typo or a made-up key be refused before any query, and lets secret scanners
/// recognise real keys. Only the SHA-256 of the whole key is stored.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "onb_";
    private const int BodyLength = 43;
    private const int ChecksumLength = 6;
    private const int DisplayLength = 12;

    public static int Length => Prefix.Length + BodyLength + ChecksumLength;

    public static IssuedApiKey Issue()
    {
        var withoutChecksum = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = withoutChecksum + Checksum(withoutChecksum);
        return new IssuedApiKey(key, key[..DisplayLength], Hash(key));
    }

    /// <summary>True for a key of the right shape whose checksum matches; says nothing about whether it exists.</summary>
    public static bool IsWellFormed(string? key)
    {
        if (key is null || key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key.AsSpan(Prefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        var expected = Checksum(key[..^ChecksumLength]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(key[^ChecksumLength..]));
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Checksum(string withoutChecksum) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(withoutChecksum)).AsSpan(0, 6))[..ChecksumLength];
}
