using System.Net;
using System.Net.Sockets;

namespace Collaboration.Testing;

/// <summary>
/// Ports for servers the tests and benchmarks start. They come from below the kernel's ephemeral range: a port the
/// kernel hands out for a listener on port 0 is also one it may hand to the next outgoing connection (to PostgreSQL,
/// to another silo), which then holds it when the server binds ("address already in use"). Below that range only
/// other listeners compete, and each port is probed by binding it first.
/// </summary>
public static class FreePort
{
    private static readonly int Highest = EphemeralStart() - 1;
    private static readonly int Lowest = Math.Max(1024, Highest - 12_000);
    // Each process starts at its own random place, so that test hosts and benchmark children rarely probe alike.
    private static int next = Random.Shared.Next(Lowest, Highest);

    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    public static int Next() => Consecutive(1);

    /// <summary>The first of <paramref name="count"/> consecutive loopback TCP ports that were all free a moment ago.</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var first = Take(count);
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
                // One of them is taken: try further on.
            }
            finally
            {
                listeners.ForEach(listener => listener.Stop());
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free loopback ports were found.");
    }

    /// <summary>The next <paramref name="count"/> ports of this process's walk through the range, wrapping at its end.</summary>
    private static int Take(int count)
    {
        while (true)
        {
            var seen = Volatile.Read(ref next);
            var first = seen + count - 1 > Highest ? Lowest : seen;
            if (Interlocked.CompareExchange(ref next, first + count, seen) == seen)
            {
                return first;
            }
        }
    }

    /// <summary>The first port of the kernel's ephemeral range, or Linux's default where it cannot be read.</summary>
    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(2048, int.Parse(range[0]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
