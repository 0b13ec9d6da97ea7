using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Data.Security;

/// <summary>
/// Seals a magic link for the email outbox so the database never holds a usable token: AES-256-GCM under
/// a key derived (HKDF-SHA256) from the token signing key that the Api and the Worker share. The claim id
/// is bound as associated data, so a sealed link cannot be moved to another claim.
/// Layout: 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
/// </summary>
public sealed class LinkSealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("onboarding.outbox/v1");

    private readonly byte[] _key;

    /// <param name="signingKey">The raw bytes of <c>Tokens:SigningKey</c>.</param>
    public LinkSealer(ReadOnlySpan<byte> signingKey) =>
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, signingKey.ToArray(), 32, salt: [], info: Info);

    /// <summary>From the base64 form of the signing key, as configured.</summary>
    public static LinkSealer FromBase64Key(string signingKey) => new(Convert.FromBase64String(signingKey));

    public byte[] Seal(string link, string claimId)
    {
        var plaintext = Encoding.UTF8.GetBytes(link);
        var sealedLink = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedLink.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedLink.AsSpan(NonceSize, plaintext.Length), sealedLink.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(claimId));
        return sealedLink;
    }

    /// <summary>The link, or null when the box was not sealed for this claim with this key.</summary>
    public string? Open(byte[] sealedLink, string claimId)
    {
        if (sealedLink.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedLink.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedLink.AsSpan(0, NonceSize), sealedLink.AsSpan(NonceSize, length), sealedLink.AsSpan(NonceSize + length), plaintext, Encoding.UTF8.GetBytes(claimId));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
