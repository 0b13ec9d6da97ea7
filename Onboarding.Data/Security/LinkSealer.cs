using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Data.Security;

/// <summary>
/// Seals a magic link for the email outbox so the database never holds a usable token: AES-256-GCM under
/// a key derived (HKDF-SHA256) from the token signing key that the Api and the Worker share. The claim id
/// is bound as associated data, so a sealed link cannot be moved to another claim. Links sealed under a
/// previous signing key still open during a key rotation.
/// Layout: 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
/// </summary>
public sealed class LinkSealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("onboarding.outbox/v1");

    // The first seals; all open.
    private readonly byte[][] _keys;

    /// <param name="signingKey">The raw bytes of <c>Tokens:SigningKey</c>.</param>
    /// <param name="previousSigningKeys">The raw bytes of <c>Tokens:PreviousSigningKeys</c>.</param>
    public LinkSealer(byte[] signingKey, params IEnumerable<byte[]> previousSigningKeys) =>
        _keys = [.. new[] { signingKey }.Concat(previousSigningKeys).Select(key => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: [], info: Info))];

    /// <summary>From the base64 forms of the signing keys, as configured.</summary>
    public static LinkSealer FromBase64Key(string signingKey, params IEnumerable<string> previousSigningKeys) =>
        new(Convert.FromBase64String(signingKey), previousSigningKeys.Select(Convert.FromBase64String));

    public byte[] Seal(string link, string claimId)
    {
        var plaintext = Encoding.UTF8.GetBytes(link);
        var sealedLink = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedLink.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[0], TagSize);
        aes.Encrypt(nonce, plaintext, sealedLink.AsSpan(NonceSize, plaintext.Length), sealedLink.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(claimId));
        return sealedLink;
    }

    /// <summary>The link, or null when the box was not sealed for this claim with one of these keys.</summary>
    public string? Open(byte[] sealedLink, string claimId)
    {
        if (sealedLink.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedLink.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        foreach (var key in _keys)
        {
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(sealedLink.AsSpan(0, NonceSize), sealedLink.AsSpan(NonceSize, length), sealedLink.AsSpan(NonceSize + length), plaintext, Encoding.UTF8.GetBytes(claimId));
                return Encoding.UTF8.GetString(plaintext);
            }
            catch (AuthenticationTagMismatchException)
            {
                // Sealed under another key, or not for this claim.
            }
        }

        return null;
    }
}
