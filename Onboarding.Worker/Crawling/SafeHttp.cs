using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Onboarding.Worker.Crawling;

/// <summary>Resolves host names for the crawler; replaceable so tests can play tricky DNS (rebinding, metadata addresses).</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>Thrown from the connect callback; the crawler turns it into a <see cref="CrawlException"/>.</summary>
public sealed class BlockedAddressException(string host, IPAddress address)
    : Exception($"{host} resolves to {address}, which is not a public internet address.")
{
    public string Host { get; } = host;

    public IPAddress Address { get; } = address;
}

/// <summary>Thrown from the connect callback when the name does not resolve.</summary>
public sealed class HostNotFoundException(string host, Exception? inner = null) : Exception($"{host} could not be resolved.", inner)
{
    public string Host { get; } = host;
}

/// <summary>
/// The crawler's connection handler (OWASP SSRF guidance; docs/architecture.md): the host is resolved here, every address is
/// checked, and the socket connects to the checked address itself, so what was checked is what is connected
/// (no second lookup for a rebinding name to change). No proxy, no automatic redirects (the crawler re-checks each
/// hop), no trace headers to third parties, HTTP/1.1 and HTTP/2 only.
/// </summary>
public static class SafeHttp
{
    /// <param name="resolver">Where host names are resolved.</param>
    /// <param name="options">The crawler's settings (<see cref="CrawlerOptions.AllowPrivateNetworks"/>).</param>
    /// <param name="isAllowed">The address rule; <see cref="AddressPolicy.IsAllowed"/> unless a test narrows it.</param>
    public static SocketsHttpHandler CreateHandler(IHostResolver resolver, IOptions<CrawlerOptions> options, Func<IPAddress, bool>? isAllowed = null) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        MaxResponseHeadersLength = 64,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // Our trace context is nobody else's business.
        ActivityHeadersPropagator = null,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(
            context.DnsEndPoint, resolver, isAllowed ?? (address => AddressPolicy.IsAllowed(address, options.Value.AllowPrivateNetworks)), cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, IHostResolver resolver, Func<IPAddress, bool> isAllowed, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(endPoint.Host, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new HostNotFoundException(endPoint.Host, e);
            }
        }

        if (addresses.Length == 0)
        {
            throw new HostNotFoundException(endPoint.Host);
        }

        // One blocked address blocks the name: a name that mixes public and private answers is up to something.
        if (addresses.FirstOrDefault(a => !isAllowed(a)) is { } blocked)
        {
            throw new BlockedAddressException(endPoint.Host, blocked);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw last!;
    }
}
