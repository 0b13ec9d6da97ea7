using System.Net;
using System.Net.Sockets;

namespace Onboarding.AppHost.Hosting;

internal static class Ports
{
    /// <summary>The port itself, or a free loopback port when it is 0.</summary>
    public static int Resolve(int port)
    {
        if (port != 0)
        {
            return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Fails early, with the option to change, when a fixed port is taken.</summary>
    public static void EnsureFree(int port, string what, string option)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException)
        {
            throw new InvalidOperationException($"Port {port} for {what} is in use on 127.0.0.1. Stop whatever holds it or pass {option} <port>.");
        }
    }
}
