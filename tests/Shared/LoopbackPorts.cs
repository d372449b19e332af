using System.Net;
using System.Net.Sockets;

namespace OpenCodeUsage.Tests;

/// <summary>Free loopback ports for servers a test starts: the kernel picks one for a moment's listener.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Whether something accepts connections on the loopback port.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
