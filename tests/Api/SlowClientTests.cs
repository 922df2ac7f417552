using System.Net;
using System.Net.Sockets;
using System.Text;
using Collaboration.Tests.Support;
using static Collaboration.Events.InteractionType;

namespace Collaboration.Tests.Api;

/// <summary>
/// Slow and abandoned clients against the real app on real sockets, with small limits. Waits are bounded (20 s, short
/// of Kestrel's own defaults, so a limit that is not applied fails) and only ever wait for the server to act; no test
/// asserts how long it took.
/// </summary>
public class SlowClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("POST /v1/eve")]
    [InlineData("POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Ty")]
    public async Task A_client_that_stops_inside_the_request_line_or_headers_is_disconnected(string start)
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["Http:RequestHeadersTimeout"] = "00:00:02" });
        using var socket = await ConnectAsync(factory);
        await socket.SendAsync(Encoding.ASCII.GetBytes(start));

        var answer = await ReadUntilClosedAsync(socket);

        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_is_cut_off_and_nothing_is_stored()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string>
        {
            ["Http:MinRequestBodyBytesPerSecond"] = "5000",
            ["Http:MinDataRateGracePeriod"] = "00:00:02",
        });
        var like = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon));
        // Padded so that the whole body takes longer than the bound to trickle in.
        var body = Encoding.UTF8.GetBytes(new string(' ', 24 * 1024) + like.ToJson());
        using var socket = await ConnectAsync(factory);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));

        // At most 1,000 bytes/s: above Kestrel's default minimum (240), a fifth of the one configured. Until the server
        // gives up on it (or the whole body is out).
        var answer = ReadUntilClosedAsync(socket);
        foreach (var piece in body.Chunk(50))
        {
            if (answer.IsCompleted || !await TrySendAsync(socket, piece))
            {
                break;
            }
            await Task.Delay(50);
        }

        var text = await answer;
        Assert.True(text.Length == 0 || text.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), text);
        var client = factory.CreateClient();
        using var missing = await client.GetAsync($"/v1/users/{like["userId"]}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var sent = await client.PostRawAsync("/v1/events", like.ToJson());
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
    }

    [Fact]
    public async Task A_body_that_stalls_past_the_body_timeout_answers_408_naming_the_body()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string>
        {
            ["Http:MinRequestBodyBytesPerSecond"] = "0",
            ["Http:BodyReadTimeout"] = "00:00:02",
        });
        var like = Make.Json(Make.Event(Like, Make.Id("u"), Make.Id("i"), Make.Noon));
        var body = Encoding.UTF8.GetBytes(like.ToJson());
        using var socket = await ConnectAsync(factory);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await socket.SendAsync(body.AsMemory(0, body.Length / 2));

        var answer = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("application/problem+json", answer);
        Assert.Contains("\"body\":[\"must arrive within 2 s\"]", answer);
        using var missing = await factory.CreateClient().GetAsync($"/v1/users/{like["userId"]}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Past_the_connection_limit_new_connections_are_closed_while_open_ones_keep_working()
    {
        const int limit = 3;
        await using var factory = ApiFactory.With(new Dictionary<string, string> { ["Http:MaxConcurrentConnections"] = limit.ToString() });
        var address = factory.CreateClient().BaseAddress!;
        var clients = Enumerable.Range(0, limit).Select(_ => new CountingClient(address)).ToArray();
        foreach (var client in clients)
        {
            using var response = await client.Http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var extra = new CountingClient(address))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => extra.Http.GetAsync("/health").WaitAsync(Bound));
        }
        foreach (var client in clients)
        {
            using var response = await client.Http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, client.Connections);
        }

        // A connection that closes gives its place back (once the server has seen it go).
        clients[0].Dispose();
        using var next = new CountingClient(address);
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await next.Http.GetAsync("/health");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
        foreach (var client in clients.Skip(1))
        {
            client.Dispose();
        }
    }

    /// <summary>An HTTP client with a pool of one connection, counting the connections it opens.</summary>
    private sealed class CountingClient : IDisposable
    {
        private int connections;

        public CountingClient(Uri address)
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1,
                ConnectCallback = async (context, ct) =>
                {
                    Interlocked.Increment(ref connections);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            Http = new HttpClient(handler) { BaseAddress = address, Timeout = Bound };
        }

        public HttpClient Http { get; }

        public int Connections => Volatile.Read(ref connections);

        public void Dispose() => Http.Dispose();
    }

    private static async Task<Socket> ConnectAsync(ApiFactory factory)
    {
        var address = factory.CreateClient().BaseAddress!;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port);
        return socket;
    }

    private static async Task<bool> TrySendAsync(Socket socket, byte[] bytes)
    {
        try
        {
            await socket.SendAsync(bytes);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Everything the server sends until it closes the connection (a reset counts as closing); fails after the bound.</summary>
    private static async Task<string> ReadUntilClosedAsync(Socket socket)
    {
        using var bound = new CancellationTokenSource(Bound);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server kept the connection open for {Bound.TotalSeconds} s");
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {Bound.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
