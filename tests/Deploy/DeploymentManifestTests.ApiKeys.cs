using Collaboration.Security;
using YamlDotNet.RepresentationModel;

namespace Collaboration.Tests.Deploy;

/// <summary>
/// The api refuses to listen on all interfaces without a key, so both deployments import one from a secret, with
/// the api's own `keys import` command, before the api starts.
/// </summary>
public partial class DeploymentManifestTests
{
    [Fact]
    public void Compose_imports_the_api_key_from_the_environment_before_the_api_starts()
    {
        var import = DeployFiles.Service("api-keys");
        var arguments = import.Child("command").Items().Select(item => item.Text() ?? "").ToList();
        var variable = CheckImport(arguments, "compose service api-keys");

        Assert.Equal(DeployFiles.Service("api").Text("image"), import.Text("image"));
        Assert.Matches(@"^\$\{" + variable + ":\\?", import.ComposeEnv()[variable]);
        Assert.Equal("Cluster", import.ComposeEnv()["Collaboration__Mode"]);
        Assert.Equal(DeployFiles.Service("api").ComposeEnv()["ConnectionStrings__postgres"], import.ComposeEnv()["ConnectionStrings__postgres"]);
        Assert.Equal("service_completed_successfully", DeployFiles.Service("api").Text("depends_on", "api-keys", "condition"));
        Assert.Equal("no", import.Text("restart"));
    }

    [Fact]
    public void Every_api_pod_imports_the_key_of_a_secret_before_its_api_container_starts()
    {
        var import = Assert.Single(Api.InitContainers);
        var variable = CheckImport(import.Child("args").Items().Select(item => item.Text() ?? "").ToList(), "api init container");

        Assert.Equal(Api.Containers.Single().Text("image"), import.Text("image"));
        var env = import.KubernetesEnv();
        Assert.Equal("Cluster", env["Collaboration__Mode"].Text("value"));
        Assert.Equal(Api.Containers.Single().KubernetesEnv()["ConnectionStrings__postgres"].Child("valueFrom", "secretKeyRef").Text("name"),
            env["ConnectionStrings__postgres"].Child("valueFrom", "secretKeyRef").Text("name"));
        var reference = env[variable].Child("valueFrom", "secretKeyRef");
        var secret = DeployFiles.Single("Secret", reference.Text("name")!);
        Assert.EndsWith(".template.yaml", secret.File, StringComparison.Ordinal);
        Assert.Matches(@"^\$\{[A-Z_]+\}$", secret.Root.Text("stringData", reference.Text("key")!));
    }

    /// <summary>`keys import NAME --scopes S --from-env VARIABLE` with known scopes; returns the variable.</summary>
    private static string CheckImport(List<string> arguments, string where)
    {
        Assert.True(arguments.Count >= 3 && arguments[0] == "keys" && arguments[1] == "import", $"{where}: {string.Join(' ', arguments)}");
        var scopes = arguments[arguments.IndexOf("--scopes") + 1].Split(',');
        Assert.All(scopes, scope => Assert.Contains(scope, ApiKeyScopes.All));
        var from = arguments.IndexOf("--from-env");
        Assert.True(from > 0 && from + 1 < arguments.Count, $"{where}: the key must come from a variable filled from a secret");
        return arguments[from + 1];
    }
}
