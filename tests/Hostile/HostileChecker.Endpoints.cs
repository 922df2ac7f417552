using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collaboration.Tests.Hostile;

public sealed partial class HostileChecker
{
    /// <summary>The content of an event as the service read it, for reading back what it accepted.</summary>
    private sealed record Posted(string EventId, string Type, string UserId, string IdeaId, string? ThreadId, string? Title);

    private async Task CheckEventAsync(HostileRequest request, bool refused, string context)
    {
        if (refused)
        {
            await CheckNothingStoredAsync(NamedIds(request.Namespace, [request.Body]), [], context);
            return;
        }
        await CheckReadableAsync(Read(request.Body), checkTitle: true, context);
    }

    private async Task CheckBatchAsync(HostileRequest request, bool refused, string answer, string context)
    {
        var items = request.ItemBodies ?? [];
        if (refused)
        {
            await CheckNothingStoredAsync(NamedIds(request.Namespace, items), [], context);
            return;
        }
        var receipt = JsonNode.Parse(answer)!;
        var rejected = receipt["rejected"]!.AsArray().ToDictionary(r => r!["index"]!.GetValue<int>(), r => r!);
        var counted = receipt["accepted"]!.GetValue<int>() + receipt["duplicates"]!.GetValue<int>() + rejected.Count;
        Check(counted == items.Count, context, $"accepted + duplicates + rejected = {items.Count} items");
        foreach (var (index, entry) in rejected)
        {
            Check(index >= 0 && index < items.Count, context, "a rejected index is an item's");
            Check(entry["field"]?.GetValue<string>() is { Length: > 0 } && entry["error"]?.GetValue<string>() is { Length: > 0 }, context,
                $"rejected item {index} names a field and an error");
        }
        for (var i = 0; i < items.Count; i++)
        {
            var expect = request.Items[i];
            if (expect.Accepted is { } mustAccept)
            {
                Check(mustAccept != rejected.ContainsKey(i), context, $"item {i} must be {(mustAccept ? "accepted" : "rejected")} ({expect})");
            }
            if (rejected.TryGetValue(i, out var entry) && expect.Field is { } field)
            {
                Check(entry["field"]!.GetValue<string>() == field, context, $"item {i} is rejected naming '{field}'");
            }
        }
        var accepted = Enumerable.Range(0, items.Count).Where(i => !rejected.ContainsKey(i)).Select(i => Read(items[i])).ToList();
        foreach (var sent in accepted)
        {
            await CheckReadableAsync(sent, checkTitle: false, context);
        }
        var kept = accepted.SelectMany(s => new[] { s.UserId, s.IdeaId, s.ThreadId }).OfType<string>().ToHashSet();
        await CheckNothingStoredAsync(NamedIds(request.Namespace, [.. rejected.Keys.Select(i => items[i])], rejected.Keys), kept, context);
    }

    private async Task CheckImportAsync(HostileRequest request, bool refused, string answer, string context)
    {
        if (refused)
        {
            foreach (var row in request.Rows)
            {
                await CheckAbsentAsync("users", row.UserId, context);
            }
            return;
        }
        var receipt = JsonNode.Parse(answer)!;
        var rejected = receipt["rejected"]!.AsArray().ToDictionary(r => r!["line"]!.GetValue<int>(), r => r!["error"]!.GetValue<string>());
        var accounted = receipt["imported"]!.GetValue<int>() + rejected.Count;
        // After a broken quote the lines are read again one by one, so the records no longer match the rows written.
        Check(request.Rows.Any(row => row.Expect == Expect.Either) || accounted == request.Rows.Count, context,
            $"imported + rejected = {request.Rows.Count} lines");
        Check(rejected.Values.All(error => error.Length > 0), context, "every rejected line says why");
        foreach (var row in request.Rows)
        {
            var isRejected = rejected.TryGetValue(row.Line, out var error);
            if (row.Expect.Accepted is { } mustAccept)
            {
                Check(mustAccept != isRejected, context, $"line {row.Line} must be {(mustAccept ? "imported" : "rejected")}");
            }
            if (isRejected && row.Expect.Field is { } field)
            {
                Check(error!.StartsWith(field + ":", StringComparison.Ordinal), context, $"line {row.Line} is rejected naming '{field}'");
            }
            if (isRejected)
            {
                await CheckAbsentAsync("users", row.UserId, context);
                continue;
            }
            if (row.Expect == Expect.Either)
            {
                using var read = await client.GetAsync($"/v1/users/{Uri.EscapeDataString(row.UserId)}");
                Check(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, context, $"GET user of line {row.Line}");
                if (read.StatusCode == HttpStatusCode.OK)
                {
                    Users[row.UserId] = true;
                }
                continue;
            }
            var user = await GetAsync($"/v1/users/{Uri.EscapeDataString(row.UserId)}", context);
            Users[row.UserId] = true;
            if (row.DisplayName is { } name)
            {
                Check(user["displayName"]?.GetValue<string>() == (name.Length == 0 ? null : name), context, $"line {row.Line} stored displayName '{name}'");
            }
            if (row.Country is { } country)
            {
                Check(user["country"]?.GetValue<string>() == (country.Length == 0 ? null : country), context, $"line {row.Line} stored country '{country}'");
            }
        }
    }

    private async Task CheckReadableAsync(Posted sent, bool checkTitle, string context)
    {
        var idea = await GetAsync($"/v1/ideas/{Uri.EscapeDataString(sent.IdeaId)}", context);
        Check(idea["counts"]?[sent.Type]?.GetValue<int>() >= 1, context, $"idea {sent.IdeaId} counts the {sent.Type}");
        if (checkTitle && sent.Type == "create" && sent.ThreadId is null)
        {
            Check(idea["title"]?.GetValue<string>() == sent.Title, context, $"idea {sent.IdeaId} has the title sent");
        }
        // Users are compared in bulk at the end, with the service's own count.
        Users[sent.UserId] = true;
        if (sent.ThreadId is not null)
        {
            await GetAsync($"/v1/threads/{Uri.EscapeDataString(sent.ThreadId)}", context);
        }
    }

    /// <summary>Every id a refused request or item names, and the ids of its namespace, is unknown, unless an accepted item names it too.</summary>
    private async Task CheckNothingStoredAsync(IEnumerable<(string Kind, string Id)> named, HashSet<string> kept, string context)
    {
        foreach (var (kind, id) in named.Distinct())
        {
            // Users are compared in bulk at the end, with the service's own count.
            if (kind != "users" && !kept.Contains(id))
            {
                await CheckAbsentAsync(kind, id, context);
            }
        }
    }

    /// <summary>The ids each body names; for a body too broken to name any, the ids its index has in the namespace.</summary>
    private static List<(string Kind, string Id)> NamedIds(string ns, IReadOnlyList<byte[]> bodies, IEnumerable<int>? indexes = null)
    {
        var named = new List<(string, string)>();
        var ks = (indexes ?? Enumerable.Range(0, bodies.Count)).ToArray();
        for (var i = 0; i < Math.Max(1, bodies.Count); i++)
        {
            var found = i < bodies.Count ? StringMembers(bodies[i]) : [];
            var k = i < ks.Length ? ks[i] : 0;
            named.AddRange(found.Count > 0 ? found : [("users", EventGens.UserId(ns, k)), ("ideas", EventGens.IdeaId(ns, k)), ("threads", EventGens.ThreadId(ns, k))]);
        }
        return named;
    }

    /// <summary>The top-level userId, ideaId and threadId strings of a body, read leniently (every copy of a repeated name).</summary>
    private static List<(string Kind, string Id)> StringMembers(byte[] body)
    {
        var found = new List<(string, string)>();
        var reader = new Utf8JsonReader(body.AsSpan(body.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0), new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return found;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var kind = reader.GetString() switch { "userId" => "users", "ideaId" => "ideas", "threadId" => "threads", _ => null };
                reader.Read();
                if (kind is not null && reader.TokenType == JsonTokenType.String)
                {
                    found.Add((kind, reader.GetString()!));
                }
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // What was read before the break is what the body names.
        }
        return found;
    }

    private static Posted Read(byte[] body)
    {
        using var json = JsonDocument.Parse(body.AsMemory(body.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0), new JsonDocumentOptions { MaxDepth = 64 });
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return new Posted(Text("eventId")!, Text("type")!, Text("userId")!, Text("ideaId")!, Text("threadId"), Text("title"));
    }

    private async Task<JsonNode> GetAsync(string path, string context)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Check(response.StatusCode == HttpStatusCode.OK, context, $"GET {path} answers 200 (got {(int)response.StatusCode}: {text})");
        return JsonNode.Parse(text)!;
    }

    private async Task CheckAbsentAsync(string kind, string id, string context)
    {
        if (!EntityId().IsMatch(id) || id.Trim('.').Length == 0)
        {
            return;
        }
        var path = $"/v1/{kind}/{Uri.EscapeDataString(id)}";
        using var response = await client.GetAsync(path);
        Check(response.StatusCode == HttpStatusCode.NotFound, context, $"GET {path} answers 404, nothing stored (got {(int)response.StatusCode})");
    }
}
