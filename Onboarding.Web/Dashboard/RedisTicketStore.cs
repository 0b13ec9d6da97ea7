using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Onboarding.Web.Dashboard;

/// <summary>
/// Keeps dashboard sign-ins on the server: the ticket (which holds the API key) lives in Redis, encrypted with the
/// shared Data Protection key ring, and the browser's cookie carries only a random reference to it. Every Web
/// instance reads the same tickets; signing out deletes the ticket, so a copied cookie stops working at once.
/// </summary>
public sealed class RedisTicketStore(IConnectionMultiplexer redis, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    private const string KeyPrefix = "onboarding:dashboard-tickets:";

    private readonly IDataProtector _protector = protection.CreateProtector("Onboarding.Dashboard.Tickets");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var reference = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(reference, ticket);
        return reference;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var expiry = (ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(8)) - time.GetUtcNow();
        var value = _protector.Protect(TicketSerializer.Default.Serialize(ticket));
        return redis.GetDatabase().StringSetAsync(KeyPrefix + key, value, expiry > TimeSpan.Zero ? expiry : TimeSpan.FromSeconds(1));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        try
        {
            var value = (byte[]?)await redis.GetDatabase().StringGetAsync(KeyPrefix + key);
            return value is null ? null : TicketSerializer.Default.Deserialize(_protector.Unprotect(value));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or CryptographicException)
        {
            // Without the store nobody is signed in; the dashboard asks to sign in again.
            return null;
        }
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(KeyPrefix + key);
}
