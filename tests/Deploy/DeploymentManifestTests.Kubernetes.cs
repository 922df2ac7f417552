using YamlDotNet.RepresentationModel;

namespace Collaboration.Tests.Deploy;

/// <summary>The Kubernetes manifests of deploy/k8s.</summary>
public partial class DeploymentManifestTests
{
    private static Manifest Silo => DeployFiles.Single("Deployment", "collaboration-silo");
    private static Manifest Api => DeployFiles.Single("Deployment", "collaboration-api");

    [Fact]
    public void Every_kubernetes_document_has_api_version_kind_and_name_in_our_namespace()
    {
        Assert.True(DeployFiles.Kubernetes.Count >= 9, "expected the namespace, secret template, RBAC, job, deployments and service");
        Assert.All(DeployFiles.Kubernetes, manifest =>
        {
            Assert.False(string.IsNullOrEmpty(manifest.Root.Text("apiVersion")), $"{manifest}: apiVersion");
            Assert.False(string.IsNullOrEmpty(manifest.Kind), $"{manifest}: kind");
            Assert.False(string.IsNullOrEmpty(manifest.Name), $"{manifest}: metadata.name");
            if (manifest.Kind is not ("Namespace" or "Kustomization"))
            {
                Assert.True(manifest.Root.Text("metadata", "namespace") == Namespace, $"{manifest}: namespace");
            }
        });
        Assert.Equal(Namespace, DeployFiles.Single("Namespace", Namespace).Name);
    }

    [Fact]
    public void Kustomization_applies_every_manifest_but_the_secret_template()
    {
        var kustomization = DeployFiles.Single("Kustomization", "collaboration");
        var listed = kustomization.Root.Child("resources").Items().Select(item => item.Text() ?? "").Order().ToList();
        var expected = DeployFiles.Kubernetes.Select(m => m.File).Distinct()
            .Where(file => file != kustomization.File && !file.EndsWith(".template.yaml", StringComparison.Ordinal))
            .Order().ToList();
        Assert.Equal(expected, listed);
    }

    [Fact]
    public void Workload_selectors_match_their_pod_labels()
    {
        foreach (var deployment in DeployFiles.Kubernetes.Where(m => m.Kind == "Deployment"))
        {
            var labels = Labels(deployment.Root.Child("spec", "template", "metadata", "labels"));
            Assert.NotEmpty(Labels(deployment.Root.Child("spec", "selector", "matchLabels")));
            Assert.Subset(labels, Labels(deployment.Root.Child("spec", "selector", "matchLabels")));
        }
        var service = DeployFiles.Single("Service", "collaboration-api");
        Assert.Subset(Labels(Api.Root.Child("spec", "template", "metadata", "labels")), Labels(service.Root.Child("spec", "selector")));
    }

    [Fact]
    public void Silo_pods_carry_the_orleans_labels_and_the_api_uses_the_same_ids()
    {
        var labels = Silo.Root.Child("spec", "template", "metadata", "labels");
        var silo = Silo.Containers.Single().KubernetesEnv();
        var api = Api.Containers.Single().KubernetesEnv();
        foreach (var (label, hostingVariable, setting) in new[]
        {
            ("orleans/serviceId", "ORLEANS_SERVICE_ID", "Orleans__ServiceId"),
            ("orleans/clusterId", "ORLEANS_CLUSTER_ID", "Orleans__ClusterId"),
        })
        {
            var id = labels.Text(label);
            Assert.False(string.IsNullOrEmpty(id), $"silo pod label {label}");
            // Orleans.Hosting.Kubernetes reads the id from the variable; the downward API keeps it equal to the label.
            var fromLabel = silo[hostingVariable].Text("valueFrom", "fieldRef", "fieldPath");
            Assert.True(fromLabel == $"metadata.labels['{label}']" || silo[hostingVariable].Text("value") == id, $"{hostingVariable} must equal label {label}");
            Assert.Equal($"$({hostingVariable})", silo[setting].Text("value"));
            Assert.Equal(id, api[setting].Text("value"));
        }
    }

    [Fact]
    public void Silo_pods_learn_their_name_namespace_and_address_from_the_downward_api()
    {
        var env = Silo.Containers.Single().KubernetesEnv();
        Assert.Equal("metadata.name", env["POD_NAME"].Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", env["POD_IP"].Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("$(POD_IP)", env["Orleans__AdvertisedIP"].Text("value"));
        Assert.Equal("Cluster", env["Collaboration__Mode"].Text("value"));
        Assert.Equal("3", Silo.Root.Text("spec", "replicas"));
        // A reference $(X) only expands when X is defined earlier in the list.
        var names = env.Keys.ToList();
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Orleans__AdvertisedIP"));
        Assert.True(names.IndexOf("ORLEANS_SERVICE_ID") < names.IndexOf("Orleans__ServiceId"));
        Assert.True(names.IndexOf("ORLEANS_CLUSTER_ID") < names.IndexOf("Orleans__ClusterId"));
    }

    [Fact]
    public void Silo_service_account_may_read_watch_patch_and_delete_pods()
    {
        var account = Silo.Root.Text("spec", "template", "spec", "serviceAccountName");
        // The Kubernetes client reads the mounted token; without it the silo fails to start (KubeConfigException).
        Assert.NotEqual("false", Silo.Root.Text("spec", "template", "spec", "automountServiceAccountToken"));
        Assert.Equal(account, DeployFiles.Single("ServiceAccount", account!).Name);
        var binding = DeployFiles.Kubernetes.Single(m => m.Kind == "RoleBinding"
            && m.Root.Child("subjects").Items().Any(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == account));
        Assert.Equal("Role", binding.Root.Text("roleRef", "kind"));
        var role = DeployFiles.Single("Role", binding.Root.Text("roleRef", "name")!);
        var verbs = role.Root.Child("rules").Items()
            .Where(rule => rule.Child("apiGroups").Items().Any(g => g.Text() == "") && rule.Child("resources").Items().Any(r => r.Text() == "pods"))
            .SelectMany(rule => rule.Child("verbs").Items().Select(v => v.Text()))
            .ToHashSet();
        // get/patch: its own pod's labels; list/watch: pods of the cluster; delete: pods of silos declared dead.
        Assert.Subset(verbs, new HashSet<string?> { "get", "list", "watch", "patch", "delete" });
    }

    [Fact]
    public void Api_probes_ask_for_health_on_the_port_the_api_listens_on()
    {
        var container = Api.Containers.Single();
        var listens = UrlPort(container.KubernetesEnv()["ASPNETCORE_URLS"].Text("value"));
        var ports = container.Child("ports").Items().ToDictionary(p => p.Text("name") ?? "", p => p.Text("containerPort"));
        Assert.Equal(listens.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(ports).Value);
        foreach (var (probe, path) in new[] { ("startupProbe", "/health/live"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
        {
            Assert.Equal(path, container.Text(probe, "httpGet", "path"));
            var port = container.Text(probe, "httpGet", "port");
            Assert.True(ports.ContainsKey(port!) || port == ports.Values.Single(), $"{probe} port {port}");
        }
        var targetPort = DeployFiles.Single("Service", "collaboration-api").Root.Child("spec", "ports").Items().Single().Text("targetPort");
        Assert.True(ports.ContainsKey(targetPort!) || targetPort == ports.Values.Single(), $"service targetPort {targetPort}");
        Assert.Equal("2", Api.Root.Text("spec", "replicas"));
    }

    [Fact]
    public void Silo_probes_ask_the_health_listener_on_the_port_the_silo_is_given()
    {
        var container = Silo.Containers.Single();
        var port = container.KubernetesEnv()["Health__Port"].Text("value");
        var named = container.Child("ports").Items().Single(p => p.Text("containerPort") == port).Text("name");
        Assert.Equal("/health/ready", container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal(named, container.Text("readinessProbe", "httpGet", "port"));
        Assert.Equal(named, container.Text("livenessProbe", "httpGet", "port"));
    }

    [Fact]
    public void Silos_get_longer_to_stop_than_the_host_allows_for_a_graceful_shutdown()
    {
        // The .NET host's default ShutdownTimeout is 30 s; the kubelet's SIGKILL must not come first.
        var grace = int.Parse(Silo.Root.Text("spec", "template", "spec", "terminationGracePeriodSeconds") ?? "30", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > 30, $"terminationGracePeriodSeconds {grace}");
        Assert.True(Seconds(DeployFiles.Service("silo").Text("stop_grace_period")) > 30, "compose silo stop_grace_period");
    }

    [Fact]
    public void Migrate_job_runs_the_silo_image_with_the_migrate_command()
    {
        var job = DeployFiles.Single("Job", "collaboration-migrate").Containers.Single();
        Assert.Equal(Silo.Containers.Single().Text("image"), job.Text("image"));
        Assert.Equal(["migrate"], job.Child("args").Items().Select(a => a.Text()));
        Assert.Equal("Cluster", job.KubernetesEnv()["Collaboration__Mode"].Text("value"));
        var secret = DeployFiles.Single("Secret", "collaboration-postgres");
        foreach (var container in new[] { job, Silo.Containers.Single(), Api.Containers.Single() })
        {
            var reference = container.KubernetesEnv()["ConnectionStrings__postgres"].Child("valueFrom", "secretKeyRef");
            Assert.Equal(secret.Name, reference.Text("name"));
            Assert.NotNull(secret.Root.Child("stringData", reference.Text("key")!));
        }
    }

    /// <summary>A label mapping as a set of "key=value".</summary>
    private static HashSet<string> Labels(YamlNode? mapping) =>
        mapping.Keys().Select(key => $"{key}={mapping.Text(key)}").ToHashSet();
}
