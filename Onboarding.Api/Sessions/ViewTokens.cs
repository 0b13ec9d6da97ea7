using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Onboarding.Api.Sessions;

/// <summary>Keys for signing capability tokens, bound from the <c>Tokens</c> section.</summary>
public sealed class TokenSigningOptions
{
    public const string SectionName = "Tokens";

    /// <summary>Base64 of at least 32 random bytes; every Api instance must share it.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    /// <summary>Keys still accepted for verification while a rotation rolls out.</summary>
    public List<string> PreviousSigningKeys { get; set; } = [];
}

/// <summary>What a well-signed view token says; the caller still checks it against the session row.</summary>
public readonly record struct ViewTokenClaims(int Generation, DateTimeOffset? ExpiresAt);

/// <summary>
/// Signed, revocable read capabilities for a session's viewer. A token is
/// <c>base64url(version | key id | generation | expiry | HMAC-SHA256)</c>, the MAC also covering the session id,
/// so a token is worthless for any other session. Revocation bumps the session's generation in Postgres:
/// rotating signing keys alone does not revoke. An expiry of zero means "for the session's lifetime".
/// </summary>
public sealed class ViewTokens
{
    private const byte Version = 1;
    private const int BodyLength = 1 + 4 + 4 + 8;
    private const int TokenLength = BodyLength + 32;

    private readonly (uint Id, byte[] Key) _signing;
    private readonly Dictionary<uint, byte[]> _verifying = [];

    public ViewTokens(IOptions<TokenSigningOptions> options)
    {
        var keys = new[] { options.Value.SigningKey }.Concat(options.Value.PreviousSigningKeys).Select(DecodeKey).ToList();
        _signing = keys[0];
        foreach (var (id, key) in keys)
        {
            _verifying.TryAdd(id, key);
        }
    }

    /// <summary>Checks a configured key is usable; used by options validation at start.</summary>
    public static bool IsValidKey(string base64) =>
        Convert.TryFromBase64String(base64, new byte[base64.Length], out var length) && length >= 32;

    public string Issue(string sessionId, int generation, DateTimeOffset? expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(token[1..], _signing.Id);
        BinaryPrimitives.WriteInt32BigEndian(token[5..], generation);
        BinaryPrimitives.WriteInt64BigEndian(token[9..], expiresAt?.ToUnixTimeSeconds() ?? 0);
        Mac(_signing.Key, sessionId, token[..BodyLength], token[BodyLength..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The token's claims if it is well-formed, signed by a known key for this session, and unexpired.</summary>
    public ViewTokenClaims? Read(string? token, string sessionId, DateTimeOffset now)
    {
        if (token is null || !Base64Url.IsValid(token, out var length) || length != TokenLength)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[TokenLength];
        Base64Url.DecodeFromChars(token, raw);
        if (raw[0] != Version)
        {
            return null;
        }

        if (!_verifying.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(raw[1..]), out var key))
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[32];
        Mac(key, sessionId, raw[..BodyLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw[BodyLength..]))
        {
            return null;
        }

        var expiresAtSeconds = BinaryPrimitives.ReadInt64BigEndian(raw[9..]);
        DateTimeOffset? expiresAt = expiresAtSeconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds);
        if (expiresAt <= now)
        {
            return null;
        }

        return new ViewTokenClaims(BinaryPrimitives.ReadInt32BigEndian(raw[5..]), expiresAt);
    }

    private static void Mac(byte[] key, string sessionId, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var purpose = Encoding.UTF8.GetBytes("view|" + sessionId + "|");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(purpose);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    private static (uint Id, byte[] Key) DecodeKey(string base64)
    {
        var key = Convert.FromBase64String(base64);
        return (BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(key)), key);
    }
}
