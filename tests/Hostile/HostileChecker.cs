using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Collaboration.Tests.Hostile;

/// <summary>
/// Sends one <see cref="HostileRequest"/> and checks the properties every answer must have: never a 5xx, every refusal
/// a problem that names what is at fault, the answer the contract expects, nothing stored from what was refused, and
/// what was accepted readable. Remembers every user that must exist, to compare with the service's own count at the end.
/// </summary>
public sealed partial class HostileChecker(HttpClient client)
{
    private int sent;

    public ConcurrentDictionary<string, bool> Users { get; } = new(StringComparer.Ordinal);

    public int Sent => sent;

    public async Task CheckAsync(HostileRequest generated)
    {
        var request = Localize(generated, $"ns{Interlocked.Increment(ref sent):x16}");
        var (status, answer) = await SendAsync(request);
        var context = $"answered {status}: {answer}";
        Check(status < 500, context, "no 5xx");
        if (status >= 400)
        {
            CheckProblem(status, answer, context);
        }
        var refused = status >= 400;
        if (request.Whole.Accepted is { } mustAccept)
        {
            Check(mustAccept != refused, context, mustAccept ? "the request must be accepted" : "the request must be refused");
        }
        if (refused)
        {
            Check(request.Whole.Accepted != false || status == request.RefusedStatus, context, $"refused with {request.RefusedStatus}");
            if (request.Whole.Field is { } field)
            {
                Check(Errors(answer).ContainsKey(field), context, $"the problem names '{field}'");
            }
        }
        switch (request.Endpoint)
        {
            case Endpoint.Event:
                await CheckEventAsync(request, refused, context);
                break;
            case Endpoint.Batch:
                await CheckBatchAsync(request, refused, answer, context);
                break;
            default:
                await CheckImportAsync(request, refused, answer, context);
                break;
        }
    }

    private async Task<(int Status, string Answer)> SendAsync(HostileRequest request)
    {
        if (request.StreamedBytes > 0)
        {
            // A guard against a service that waits for the whole body, which would otherwise hang the run.
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            return await ChunkedPost.SendAsync(client.BaseAddress!, request.Path, request.ContentType!, request.Body, request.StreamedBytes / 4, guard.Token);
        }
        using (var content = new ByteArrayContent(request.Body))
        {
            if (request.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
            using var response = await client.PostAsync(request.Path, content);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The request with the generators' placeholder namespace replaced by this request's own.</summary>
    private static HostileRequest Localize(HostileRequest request, string ns)
    {
        var spellings = RequestGens.Spellings(RequestGens.Placeholder).Zip(RequestGens.Spellings(ns)).ToArray();
        byte[] Replace(byte[] bytes) => spellings.Aggregate(bytes, (text, pair) => Bytes.Replace(text, Encoding.UTF8.GetBytes(pair.First), Encoding.UTF8.GetBytes(pair.Second)));
        return request with
        {
            Namespace = ns,
            Body = Replace(request.Body),
            ItemBodies = request.ItemBodies?.Select(Replace).ToArray(),
            Rows = [.. request.Rows.Select(row => row with { UserId = row.UserId.Replace(RequestGens.Placeholder, ns) })],
        };
    }

    private static void CheckProblem(int status, string answer, string context)
    {
        JsonNode? problem = null;
        try
        {
            problem = JsonNode.Parse(answer);
        }
        catch (JsonException)
        {
        }
        Check(problem is JsonObject && problem["status"]?.GetValue<int>() == status, context, "a problem with its status");
        Check(problem!["errors"] is JsonObject, context, "an errors object");
        if (status is 400 or 409 or 413 or 415)
        {
            var errors = Errors(answer);
            Check(errors.Count > 0 && errors.All(e => e.Key.Length > 0 && e.Value.Length > 0 && e.Value.All(m => !string.IsNullOrWhiteSpace(m))),
                context, "errors naming a field with a message");
            Check(status != 415 || errors.ContainsKey("Content-Type"), context, "415 names Content-Type");
        }
    }

    private static Dictionary<string, string[]> Errors(string answer) =>
        JsonNode.Parse(answer)?["errors"]?.AsObject().ToDictionary(e => e.Key, e => e.Value!.AsArray().Select(m => m!.GetValue<string>()).ToArray())
        ?? [];

    private static void Check(bool condition, string context, string property)
    {
        if (!condition)
        {
            throw new HostileFailure($"{property}; {context}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,128}$")]
    private static partial Regex EntityId();

    private sealed class HostileFailure(string message) : Exception(message);
}
