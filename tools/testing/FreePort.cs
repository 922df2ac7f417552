using System.Net;
using System.Net.Sockets;

namespace Collaboration.Testing;

public static class FreePort
{
    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="count"/> consecutive loopback TCP ports that were all free a moment ago.</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Next();
            if (first + count > IPEndPoint.MaxPort + 1)
            {
                continue;
            }
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listeners.Add(listener);
                    listener.Start();
                }
                return first;
            }
            catch (SocketException)
            {
                // One of them is taken: try another start.
            }
            finally
            {
                listeners.ForEach(listener => listener.Stop());
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free loopback ports were found.");
    }
}
