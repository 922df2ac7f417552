using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Collaboration.Tests.Support;

/// <summary>
/// Checks every answer the test clients receive against the live OpenAPI document: the operation must list the status
/// code, the content type, and (for JSON) a schema the body validates against. A mismatch fails the request, so the
/// test that made it fails. An unknown route must answer a 404 problem, a known route with another method a 405 one.
/// </summary>
public sealed class OpenApiConformance(Func<Task<JsonNode>> loadDocument) : DelegatingHandler
{
    private JsonNode? document;
    private readonly Dictionary<string, JsonSchema> schemas = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath.TrimEnd('/');
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return response;
        }
        document ??= await loadDocument();
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        var where = $"{request.Method} {path} answered {status}";
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        // Kestrel refuses a request target it cannot accept (a %00 in the path) before any endpoint runs, with a bare
        // 400 that closes the connection (README "API"); the document describes the endpoints.
        if (status == 400 && body.Length == 0 && response.Headers.ConnectionClose == true)
        {
            return response;
        }
        var paths = document["paths"]!.AsObject().Where(p => Matches(p.Key, path)).OrderBy(p => p.Key.Contains('{')).ToList();
        var operation = paths.Select(p => p.Value![request.Method.Method.ToLowerInvariant()]).FirstOrDefault(o => o is not null);
        if (operation is null)
        {
            var expected = paths.Count == 0 ? 404 : 405;
            Check(status == expected, $"{where}, expected {expected} (not in the document)");
            Validate(ProblemSchema(), body, where);
            return response;
        }
        var answer = operation["responses"]?[status.ToString()];
        Check(answer is not null, $"{where}, a status the document does not list for this operation");
        var content = answer!["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            Check(body.Length == 0, $"{where} with a body the document does not describe");
            return response;
        }
        Check(mediaType is not null && content.ContainsKey(mediaType), $"{where} as {mediaType}, not one of {string.Join(", ", content.Select(c => c.Key))}");
        if (mediaType!.EndsWith("json", StringComparison.Ordinal))
        {
            Validate(content[mediaType]!["schema"]!, body, where);
        }
        return response;
    }

    private JsonNode ProblemSchema() => JsonNode.Parse("""{"$ref":"#/components/schemas/ApiProblem"}""")!;

    private void Validate(JsonNode schemaNode, string body, string where)
    {
        using var json = JsonDocument.Parse(body);
        var result = Compiled(schemaNode).Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Check(result.IsValid, $"{where}: the body does not match its schema: {body}\n" +
            string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    /// <summary>
    /// The operation's schema with the document's components, built once per schema: building it costs far more than
    /// evaluating a body, and a test may send thousands of requests.
    /// </summary>
    private JsonSchema Compiled(JsonNode schemaNode)
    {
        var key = schemaNode.ToJsonString();
        lock (schemas)
        {
            if (schemas.TryGetValue(key, out var built))
            {
                return built;
            }
        }
        // OpenAPI 3.1 schemas are JSON Schema 2020-12; the components become $defs so that every $ref resolves.
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["allOf"] = new JsonArray(schemaNode.DeepClone()),
            ["$defs"] = document!["components"]?["schemas"]?.DeepClone() ?? new JsonObject(),
        };
        var text = schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var compiled = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        lock (schemas)
        {
            schemas[key] = compiled;
        }
        return compiled;
    }

    private static bool Matches(string template, string path) =>
        Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(template.TrimEnd('/')), @"\\\{[^}]+}", "[^/]+") + "$");

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new OpenApiMismatchException(message);
        }
    }
}

public sealed class OpenApiMismatchException(string message) : Exception(message);
