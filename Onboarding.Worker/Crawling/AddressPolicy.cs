using System.Net;
using System.Net.Sockets;

namespace Onboarding.Worker.Crawling;

/// <summary>
/// Which addresses the crawler may connect to: global unicast only. Checked on the address actually connected,
/// after DNS, so every spelling of a host (decimal, octal, hex, IPv4-mapped IPv6, a rebinding name) meets the same rule.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this network"
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata (169.254.169.254)
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),     // documentation
        (IPAddress.Parse("192.88.99.0"), 24),   // 6to4 relay
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),  // documentation
        (IPAddress.Parse("203.0.113.0"), 24),   // documentation
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("64:ff9b:1::"), 48),   // local-use NAT64
        (IPAddress.Parse("100::"), 64),         // discard
        (IPAddress.Parse("2001:db8::"), 32),    // documentation
        (IPAddress.Parse("fc00::"), 7),         // unique local
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("fec0::"), 10),        // site-local (deprecated)
        (IPAddress.Parse("ff00::"), 8),         // multicast
    ];

    /// <summary>
    /// Whether the crawler may connect. With private networks allowed (tests, local demos) loopback and private
    /// ranges open up, but link-local never does: it holds the cloud metadata service (169.254.169.254).
    /// </summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivateNetworks) =>
        allowPrivateNetworks ? !IsLinkLocal(Unwrap(address)) : IsPublic(address);

    /// <summary>True when the address is global unicast.</summary>
    public static bool IsPublic(IPAddress address)
    {
        address = Unwrap(address);
        var blocked = address.AddressFamily == AddressFamily.InterNetwork ? BlockedV4 : BlockedV6;
        return !blocked.Any(range => InRange(address, range.Network, range.Prefix));
    }

    private static bool IsLinkLocal(IPAddress address) =>
        InRange(address, IPAddress.Parse("169.254.0.0"), 16) || InRange(address, IPAddress.Parse("fe80::"), 10);

    private static IPAddress Unwrap(IPAddress address)
    {
        // IPv4 in IPv6 clothing (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d) is judged as the IPv4 address it carries.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } embedded)
        {
            address = embedded;
        }

        return address;
    }

    private static IPAddress? Embedded(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        // IPv4-compatible (::a.b.c.d, deprecated) and the well-known NAT64 prefix 64:ff9b::/96.
        var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0);
        var nat64 = bytes.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 });
        return compatible || nat64 ? new IPAddress(bytes.AsSpan(12, 4)) : null;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        if (!a.AsSpan(0, full).SequenceEqual(n.AsSpan(0, full)))
        {
            return false;
        }

        var rest = prefix % 8;
        return rest == 0 || (a[full] >> (8 - rest)) == (n[full] >> (8 - rest));
    }
}
