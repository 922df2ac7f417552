using Collaboration.Health;
using Collaboration.Hosting;
using Collaboration.Silo;
using Collaboration.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A silo process. "Collaboration:Mode" selects Embedded (localhost clustering, SQLite in COLLAB_DATA_DIR) or Cluster
// (PostgreSQL membership, journal and grain state). `silo migrate` applies the schema scripts and exits; a Cluster
// silo also applies any missing ones before it joins.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = migrateOnly ? args[1..] : args,
    // appsettings.json ships next to the binary; the working directory may be anywhere.
    ContentRootPath = AppContext.BaseDirectory,
});
var applied = await CollaborationHostingExtensions.PrepareStorageAsync(builder.Configuration);
if (builder.Configuration.Mode() == DeploymentMode.Cluster)
{
    Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : "Applied " + string.Join(", ", applied));
}
if (migrateOnly)
{
    return;
}
builder.AddCollaborationTelemetry("collaboration-silo");
builder.UseOrleans(silo =>
{
    silo.AddCollaborationGrains(builder.Configuration);
    // In a pod: silo name, cluster ids and address from the pod (deploy/k8s); silos whose pod is gone are declared
    // dead at once, and the pod of a silo declared dead is deleted so its Deployment replaces it.
    if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 })
    {
        silo.UseKubernetesHosting(options => options.Configure(kubernetes => kubernetes.DeleteDefunctSiloPods = true));
    }
});

// The silo's HTTP listener, on Health:Port only: /health/live and /health/ready (this silo's storage answers and the
// silo is Active in the membership) and the Prometheus scrape at /metrics. The port is the pod's own, not the API's.
builder.Services.AddCollaborationHealth(builder.Configuration)
    .AddCheck<SiloStatusHealthCheck>("membership", tags: HealthTags.ReadyOnly)
    .AddCheck<StorageHealthCheck>("storage", tags: HealthTags.ReadyOnly);
if (builder.Configuration.GetValue<int?>("Health:Port") is { } port)
{
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
}
else
{
    builder.Services.AddSingleton<IServer, NoHttpServer>();
}
var app = builder.Build();
app.MapCollaborationHealth();
app.MapCollaborationMetrics();
await app.RunAsync();
