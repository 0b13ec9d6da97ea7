using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// The default of the token signing key the Api and the Worker share: 32 random bytes in base64, the form they
/// validate (a generated password would not decode to a 256-bit key).
/// </summary>
internal sealed class SigningKey : ParameterDefault
{
    public override string GetDefaultValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public override void WriteToManifest(ManifestPublishingContext context) =>
        throw new NotSupportedException("The signing key is generated for local runs only; a deployment supplies Parameters:signing-key.");
}
