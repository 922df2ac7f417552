namespace Collaboration.Tests.Deploy;

/// <summary>
/// The environment variables a deployment may give our containers, each with the source file that reads it and a
/// text that file must contain; a variable the service no longer reads (or never did) fails the lint.
/// </summary>
internal static class ServiceSettings
{
    private const string Hosting = "grains/Hosting/CollaborationHostingExtensions.cs";
    private const string Journal = "grains/Journal/JournalOptions.cs";
    private const string SiloProgram = "silo/Program.cs";

    public static IReadOnlyDictionary<string, (string File, string Text)> ReadBy { get; } = new Dictionary<string, (string, string)>
    {
        ["Collaboration__Mode"] = (Hosting, "\"Collaboration:Mode\""),
        ["ConnectionStrings__postgres"] = (Hosting, "ConnectionStringName = \"postgres\""),
        ["Orleans__SiloPort"] = (Hosting, "\"SiloPort\""),
        ["Orleans__GatewayPort"] = (Hosting, "\"GatewayPort\""),
        ["Orleans__ClusterId"] = (Hosting, "[\"ClusterId\"]"),
        ["Orleans__ServiceId"] = (Hosting, "[\"ServiceId\"]"),
        ["Orleans__AdvertisedIP"] = (Hosting, "[\"AdvertisedIP\"]"),
        ["COLLAB_DATA_DIR"] = (Hosting, "[\"COLLAB_DATA_DIR\"]"),
        ["Journal__BusyTimeout"] = (Journal, "BusyTimeout"),
        ["Journal__SnapshotEvery"] = (Journal, "SnapshotEvery"),
        ["Health__Port"] = ("grains/Health/HealthOptions.cs", "int? Port"),
        ["Health__ShutdownDelay"] = ("grains/Health/HealthOptions.cs", "TimeSpan ShutdownDelay"),
        // ASP.NET Core maps ASPNETCORE_URLS to "urls"; the api replaces its localhost default only when that is set.
        ["ASPNETCORE_URLS"] = ("api/Extensions/Extensions.cs", "Configuration[\"urls\"]"),
        ["ASPNETCORE_HTTP_PORTS"] = ("api/Extensions/Extensions.cs", "Configuration[\"urls\"]"),
        // The key `keys import --from-env COLLAB_API_KEY` stores (DeploymentManifestTests.ApiKeys.cs checks the flag).
        ["COLLAB_API_KEY"] = ("api/Keys/KeyOperations.cs", "Environment.GetEnvironmentVariable(fromEnv)"),
        // Read by Orleans.Hosting.Kubernetes (KubernetesHostingOptions), which only the silo uses.
        ["POD_NAME"] = (SiloProgram, "UseKubernetesHosting"),
        ["POD_NAMESPACE"] = (SiloProgram, "UseKubernetesHosting"),
        ["POD_IP"] = (SiloProgram, "UseKubernetesHosting"),
        ["ORLEANS_SERVICE_ID"] = (SiloProgram, "UseKubernetesHosting"),
        ["ORLEANS_CLUSTER_ID"] = (SiloProgram, "UseKubernetesHosting"),
    };

    /// <summary>Variables that only a silo reads.</summary>
    public static IReadOnlySet<string> SiloOnly { get; } =
        new HashSet<string> { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "Orleans__AdvertisedIP", "Health__Port" };
}
