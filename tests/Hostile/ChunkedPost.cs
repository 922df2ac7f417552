using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// A POST over a plain socket with a chunked body that is never finished: <paramref name="prefix"/>, then filler up to
/// <paramref name="sendAtMost"/> bytes, and then it waits for the answer. HttpClient will not read an answer before it
/// has sent the whole body; this shows the service answers an oversized body without waiting for (or buffering) all of it.
/// </summary>
public static class ChunkedPost
{
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string path, string contentType, byte[] prefix, long sendAtMost,
        CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        await using var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await WriteChunkAsync(stream, prefix, cancellationToken);
        var filler = new byte[64 * 1024];
        Array.Fill(filler, (byte)'p');
        try
        {
            for (var sent = (long)prefix.Length; sent < sendAtMost; sent += filler.Length)
            {
                await WriteChunkAsync(stream, filler, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The service may close the connection once it has answered; the answer is still there to read.
        }
        return await ReadResponseAsync(stream, cancellationToken);
    }

    private static async Task WriteChunkAsync(Stream stream, byte[] data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
        await stream.WriteAsync(data, cancellationToken);
        await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
    }

    private static async Task<(int Status, string Body)> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(stream, Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync(cancellationToken) ?? "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        var body = new StringBuilder();
        if (headers.TryGetValue("Content-Length", out var length))
        {
            var buffer = new char[int.Parse(length, CultureInfo.InvariantCulture)];
            await reader.ReadBlockAsync(buffer, cancellationToken);
            body.Append(buffer);
        }
        else
        {
            while (int.Parse(await reader.ReadLineAsync(cancellationToken) ?? "0", NumberStyles.HexNumber, CultureInfo.InvariantCulture) is > 0 and var size)
            {
                var buffer = new char[size];
                await reader.ReadBlockAsync(buffer, cancellationToken);
                body.Append(buffer);
                await reader.ReadLineAsync(cancellationToken);
            }
        }
        return (int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture), body.ToString());
    }
}
