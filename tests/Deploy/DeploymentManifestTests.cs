using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Collaboration.Tests.Deploy;

/// <summary>
/// Lints the docker-compose file, the Kubernetes manifests and the Dockerfiles, which cannot run on a machine
/// without Docker or Kubernetes: structure, the settings they pass against what the service reads, the Orleans
/// Kubernetes conventions, probes, paths, and that no password is written down. This part: what both share.
/// </summary>
public partial class DeploymentManifestTests
{
    private const string Namespace = "collaboration";

    /// <summary>Our containers (built from this repository) in compose and Kubernetes, with their env names.</summary>
    private static IEnumerable<(string Where, IReadOnlyCollection<string> Names)> OurContainers()
    {
        foreach (var service in DeployFiles.Compose.Child("services").Keys())
        {
            if (DeployFiles.Service(service).Child("build") is not null)
            {
                yield return ($"compose service {service}", DeployFiles.Service(service).ComposeEnv().Keys);
            }
        }
        foreach (var manifest in DeployFiles.Kubernetes)
        {
            foreach (var container in manifest.Containers.Concat(manifest.InitContainers)
                .Where(c => c.Text("image")?.StartsWith("collaboration-", StringComparison.Ordinal) == true))
            {
                yield return ($"{manifest} container {container.Text("name")}", container.KubernetesEnv().Keys);
            }
        }
        foreach (var file in Directory.GetFiles(DeployFiles.FullPath("deploy/docker"), "*.Dockerfile"))
        {
            var names = Dockerfile.Read(file).Instructions.Where(i => i.Instruction == "ENV")
                .SelectMany(i => Regex.Matches(i.Arguments, @"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=").Select(m => m.Groups[1].Value))
                .ToList();
            yield return (Path.GetFileName(file), names);
        }
    }

    [Fact]
    public void Every_container_setting_is_one_the_service_reads()
    {
        var containers = OurContainers().ToList();
        Assert.True(containers.Count >= 7, "expected the compose, Kubernetes and Dockerfile containers to be found");
        foreach (var (where, names) in containers)
        {
            foreach (var name in names)
            {
                Assert.True(ServiceSettings.ReadBy.TryGetValue(name, out var reader), $"{where}: {name} is not a setting the service reads");
                var source = File.ReadAllText(DeployFiles.FullPath(reader.File));
                Assert.True(source.Contains(reader.Text, StringComparison.Ordinal), $"{where}: {name} should be read in {reader.File} ({reader.Text})");
                if (ServiceSettings.SiloOnly.Contains(name))
                {
                    Assert.True(where.Contains("silo", StringComparison.Ordinal), $"{where}: {name} only means something to a silo");
                }
            }
        }
    }

    [Fact]
    public void No_manifest_writes_down_a_password()
    {
        var documents = DeployFiles.Kubernetes.Select(manifest => ((YamlNode)manifest.Root, manifest.File))
            .Append((DeployFiles.Compose, DeployFiles.ComposeFile));
        foreach (var (root, file) in documents)
        {
            foreach (var (key, value) in root.Scalars())
            {
                // In a connection string the password must be a ${VARIABLE} filled from the environment.
                foreach (Match password in Regex.Matches(value, @"(?i)\b(?:password|pwd)\s*=\s*([^;]*)"))
                {
                    Assert.True(IsVariable(password.Groups[1].Value), $"{file}: literal password in '{key}'");
                }
                if (key is not null && Regex.IsMatch(key, "(?i)password|secret") && value.Length > 0)
                {
                    Assert.True(IsVariable(value), $"{file}: '{key}' must come from the environment, not '{value}'");
                }
            }
        }
        // A Secret in the repository is a template: base64 `data` would hide a value from the check above.
        Assert.All(DeployFiles.Kubernetes.Where(m => m.Kind == "Secret"), secret =>
        {
            Assert.Null(secret.Root.Child("data"));
            Assert.EndsWith(".template.yaml", secret.File, StringComparison.Ordinal);
        });

        static bool IsVariable(string value) => Regex.IsMatch(value.Trim(), @"^\$\{[A-Z_][A-Z0-9_]*(?:[:?\-][^}]*)?\}$");
    }

    /// <summary>The port in a URL such as http://+:5080.</summary>
    private static int UrlPort(string? url)
    {
        var match = Regex.Match(url ?? "", @":(\d+)/?$");
        Assert.True(match.Success, $"no port in '{url}'");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds of a compose duration such as 45s or 1m30s.</summary>
    private static int Seconds(string? duration)
    {
        var match = Regex.Match(duration ?? "", @"^(?:(\d+)m)?(?:(\d+)s)?$");
        Assert.True(match.Success && duration!.Length > 0, $"not a duration: '{duration}'");
        return (match.Groups[1].Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 60 : 0)
            + (match.Groups[2].Success ? int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }
}
