using YamlDotNet.RepresentationModel;

namespace Collaboration.Tests.Deploy;

/// <summary>Null-tolerant navigation of YamlDotNet's representation model, so a missing key fails an assertion.</summary>
internal static class YamlNodes
{
    public static YamlNode? Child(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }
        return node;
    }

    public static string? Text(this YamlNode? node, params string[] path) => (node.Child(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode mapping ? mapping.Children.Keys.OfType<YamlScalarNode>().Select(key => key.Value ?? "") : [];

    /// <summary>Every scalar under a node, with the mapping key it is the value of (null inside sequences).</summary>
    public static IEnumerable<(string? Key, string Value)> Scalars(this YamlNode node, string? key = null) => node switch
    {
        YamlScalarNode scalar => [(key, scalar.Value ?? "")],
        YamlSequenceNode sequence => sequence.Children.SelectMany(child => child.Scalars(key)),
        YamlMappingNode mapping => mapping.Children.SelectMany(pair =>
            pair.Value.Scalars((pair.Key as YamlScalarNode)?.Value)),
        _ => [],
    };

    /// <summary>A k8s container's env as name -> entry (the mapping with value or valueFrom).</summary>
    public static Dictionary<string, YamlMappingNode> KubernetesEnv(this YamlNode container) =>
        container.Child("env").Items().OfType<YamlMappingNode>().ToDictionary(entry => entry.Text("name") ?? "");

    /// <summary>A compose service's environment, in either the mapping or the KEY=VALUE list form.</summary>
    public static Dictionary<string, string> ComposeEnv(this YamlNode service)
    {
        var environment = service.Child("environment");
        if (environment is YamlMappingNode mapping)
        {
            return mapping.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value ?? "", pair => (pair.Value as YamlScalarNode)?.Value ?? "");
        }
        return environment.Items().OfType<YamlScalarNode>()
            .Select(item => (item.Value ?? "").Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
    }
}
