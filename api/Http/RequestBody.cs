using System.Text.Json;
using Collaboration.Api.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Collaboration.Api.Http;

/// <summary>Reads request bodies with a size limit, so an oversized one is refused (413) before it is buffered whole.</summary>
public static class RequestBody
{
    public const int KiB = 1024;
    public const int MiB = 1024 * KiB;

    /// <summary>The body, or a 413/415 problem. Media types other than <paramref name="mediaTypes"/> are refused; a missing one is allowed.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, long limit, params string[] mediaTypes)
    {
        if (request.ContentType is { Length: > 0 } contentType &&
            (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) ||
             !mediaTypes.Any(type => string.Equals(parsed.MediaType.Value, type, StringComparison.OrdinalIgnoreCase))))
        {
            return (null, Problems.Field(StatusCodes.Status415UnsupportedMediaType,
                new FieldError("Content-Type", $"must be {string.Join(" or ", mediaTypes)}")));
        }
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our own limit applies; Kestrel's default (30 MB) must not cut the larger imports short.
            sizeFeature.MaxRequestBodySize = limit + 1;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * KiB];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, TooLarge(limit));
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>Parses JSON, or names where it is malformed.</summary>
    public static JsonDocument? ParseJson(byte[] body, out IResult? problem)
    {
        problem = null;
        try
        {
            // A duplicated property is ambiguous (which eventId did the app mean?), so it is an error, not last-wins.
            var json = body.AsMemory();
            if (json.Span.StartsWith("\uFEFF"u8))
            {
                json = json[3..];
            }
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            problem = Problems.BadRequest("body", $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {reason}");
            return null;
        }
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        Problems.Field(StatusCodes.Status413PayloadTooLarge, new FieldError("body", $"must be at most {Describe(limit)}"));

    private static string Describe(long bytes) => bytes >= MiB ? $"{bytes / MiB} MiB" : $"{bytes / KiB} KiB";
}
