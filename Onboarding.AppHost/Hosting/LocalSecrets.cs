using System.Security.Cryptography;
using System.Text.Json;

namespace Onboarding.AppHost.Hosting;

/// <summary>
/// Passwords of the embedded servers and the token signing key, generated on first start and kept beside
/// the data (mode 0600) so the next start reuses the same database and still accepts issued links.
/// </summary>
public sealed record LocalSecrets(string PostgresPassword, string RedisPassword, string SigningKey)
{
    public static LocalSecrets LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secrets.json");
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<LocalSecrets>(File.ReadAllText(path))
                ?? throw new InvalidOperationException($"{path} is unreadable; delete it together with the data beside it.");
        }

        var secrets = new LocalSecrets(
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, JsonSerializer.Serialize(secrets));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secrets;
    }
}
