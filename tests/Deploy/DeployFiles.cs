using Collaboration.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Collaboration.Tests.Deploy;

/// <summary>One YAML document of deploy/k8s, with the file it came from.</summary>
internal sealed record Manifest(string File, YamlMappingNode Root)
{
    public string Kind => Root.Text("kind") ?? "";
    public string Name => Root.Text("metadata", "name") ?? "";

    /// <summary>The containers of a Deployment or Job pod template.</summary>
    public IEnumerable<YamlMappingNode> Containers =>
        Root.Child("spec", "template", "spec", "containers").Items().OfType<YamlMappingNode>();

    /// <summary>The init containers of a pod template, which run to completion before its containers start.</summary>
    public IEnumerable<YamlMappingNode> InitContainers =>
        Root.Child("spec", "template", "spec", "initContainers").Items().OfType<YamlMappingNode>();

    public override string ToString() => $"{Kind}/{Name} ({File})";
}

/// <summary>The deployment files of this checkout (deploy/docker-compose.yml, deploy/k8s, deploy/docker), parsed.</summary>
internal static class DeployFiles
{
    public const string ComposeFile = "deploy/docker-compose.yml";
    public const string KubernetesFolder = "deploy/k8s";

    public static string Root => Repository.Root;

    public static YamlMappingNode Compose { get; } = (YamlMappingNode)Load(ComposeFile).Single();

    public static IReadOnlyList<Manifest> Kubernetes { get; } =
        Directory.GetFiles(FullPath(KubernetesFolder), "*.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(file => Load(Path.GetRelativePath(Root, file))
                .OfType<YamlMappingNode>()
                .Select(root => new Manifest(Path.GetFileName(file), root)))
            .ToList();

    public static string FullPath(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    public static Manifest Single(string kind, string name) =>
        Kubernetes.Single(manifest => manifest.Kind == kind && manifest.Name == name);

    public static YamlMappingNode Service(string name) =>
        Compose.Child("services", name) as YamlMappingNode ?? throw new InvalidOperationException($"no compose service {name}");

    /// <summary>Every document of a YAML file; an empty document (a trailing ---) is skipped.</summary>
    public static IEnumerable<YamlNode> Load(string relative)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(FullPath(relative)))
        {
            stream.Load(reader);
        }
        return stream.Documents
            .Select(document => document.RootNode)
            .Where(node => node is not YamlScalarNode { Value: null or "" });
    }
}
