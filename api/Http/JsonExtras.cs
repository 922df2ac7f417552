using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collaboration.Api.Http;

public static class JsonExtras
{
    /// <summary>The JSON object of <paramref name="view"/> with one more property, for reads that join two sources.</summary>
    public static JsonObject With<T>(T view, string name, object? value, JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(view, options)!.AsObject();
        node[name] = value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), options);
        return node;
    }
}
