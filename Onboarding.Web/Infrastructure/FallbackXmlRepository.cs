using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace Onboarding.Web.Infrastructure;

/// <summary>
/// Keeps the Data Protection key ring in Redis, so every Web instance can read the others' antiforgery
/// tokens and circuit ids, but does not let a Redis outage take the site down: without it the key ring
/// cannot load and every page fails. Keys made while Redis is away live in this process and are written
/// to Redis once it is back.
/// </summary>
public sealed class FallbackXmlRepository(IXmlRepository redis, ILogger<FallbackXmlRepository> logger) : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly List<(XElement Element, string FriendlyName)> _pending = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        FlushPending();
        List<XElement> pending;
        lock (_gate)
        {
            pending = [.. _pending.Select(p => p.Element)];
        }

        try
        {
            return [.. redis.GetAllElements(), .. pending];
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "The Data Protection key ring could not be read from Redis; using this instance's keys only");
            return pending;
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        try
        {
            redis.StoreElement(element, friendlyName);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Data Protection key {FriendlyName} could not be stored in Redis; kept in this instance until Redis is back", friendlyName);
            lock (_gate)
            {
                _pending.Add((element, friendlyName));
            }
        }
    }

    /// <summary>Writes the keys made while Redis was away, in order, stopping at the first failure.</summary>
    private void FlushPending()
    {
        List<(XElement Element, string FriendlyName)> pending;
        lock (_gate)
        {
            pending = [.. _pending];
        }

        foreach (var item in pending)
        {
            try
            {
                redis.StoreElement(item.Element, item.FriendlyName);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogDebug(e, "Data Protection key {FriendlyName} is still waiting for Redis", item.FriendlyName);
                return;
            }

            lock (_gate)
            {
                _pending.Remove(item);
            }
        }
    }
}
