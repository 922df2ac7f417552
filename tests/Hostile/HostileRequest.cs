using System.Text;

namespace Collaboration.Tests.Hostile;

public enum Endpoint
{
    Event,
    Batch,
    Import,
}

/// <summary>
/// One generated request and what the contract says about it. <see cref="Whole"/> is about the request (accepted: the
/// endpoint's success status); <see cref="Items"/> about each batch item; <see cref="Rows"/> about each import line.
/// With <see cref="StreamedBytes"/>, the body is sent chunked: <see cref="Body"/> and then filler up to that length.
/// <see cref="ItemBodies"/> are a batch's items as sent.
/// </summary>
public sealed record HostileRequest(
    Endpoint Endpoint, string Namespace, string Description, byte[] Body, string? ContentType, Expect Whole, int RefusedStatus,
    IReadOnlyList<Expect> Items, IReadOnlyList<ImportRow> Rows, long StreamedBytes = 0, IReadOnlyList<byte[]>? ItemBodies = null)
{
    public string Path => Endpoint switch
    {
        Endpoint.Event => "/v1/events",
        Endpoint.Batch => "/v1/events/batch",
        _ => "/v1/users/import",
    };

    public override string ToString()
    {
        var length = StreamedBytes > 0 ? $"{StreamedBytes} bytes streamed" : $"{Body.Length} bytes";
        var preview = Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 1500)));
        return $"{Endpoint} {Description} [{ContentType ?? "no Content-Type"}, {length}] expect {Whole}" +
            (Items.Count > 0 ? $", items [{string.Join("; ", Items)}]" : "") +
            (Rows.Count > 0 ? $", rows [{string.Join("; ", Rows)}]" : "") + $"\n{preview}";
    }
}

/// <summary>An import line: the line it is reported by, its user, and the profile it must leave when accepted (null: not checked).</summary>
public sealed record ImportRow(int Line, string UserId, Expect Expect, string? DisplayName = null, string? Country = null)
{
    public override string ToString() => $"line {Line} {UserId}: {Expect}";
}
