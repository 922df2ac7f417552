using System.Text.Json;
using Collaboration.Api.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Collaboration.Api.Http;

/// <summary>Reads request bodies with a size limit, so an oversized one is refused (413) before it is buffered whole.</summary>
public static class RequestBody
{
    public const int KiB = 1024;
    public const int MiB = 1024 * KiB;

    /// <summary>The body, or a 413/415 problem. Media types other than <paramref name="mediaTypes"/> are refused; a missing one is allowed.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, long limit, params string[] mediaTypes)
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
        // Kestrel's minimum rate lets a body trickle just above it for hours; this bounds the whole upload.
        var timeout = request.HttpContext.RequestServices.GetRequiredService<IOptions<HttpOptions>>().Value.BodyReadTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted);
        deadline.CancelAfter(timeout);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * KiB];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, TooLarge(limit));
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The rest of the body is not worth waiting for: close the connection after the answer instead of draining it.
            request.HttpContext.Response.Headers.Connection = "close";
            return (null, Problems.Field(StatusCodes.Status408RequestTimeout,
                new FieldError("body", $"must arrive within {timeout.TotalSeconds:0.###} s")));
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>Parses a JSON body by the API's rules (<see cref="StrictJson"/>), or answers what is wrong with it.</summary>
    public static JsonDocument? ParseJson(byte[] body, out ProblemHttpResult? problem)
    {
        var json = StrictJson.Parse(body, "body", out var error);
        problem = error is null ? null : Problems.Field(StatusCodes.Status400BadRequest, error);
        return json;
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        Problems.Field(StatusCodes.Status413PayloadTooLarge, new FieldError("body", $"must be at most {Describe(limit)}"));

    private static string Describe(long bytes) => bytes >= MiB ? $"{bytes / MiB} MiB" : $"{bytes / KiB} KiB";
}
