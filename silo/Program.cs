using Collaboration.Hosting;
using Microsoft.AspNetCore.Builder;
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
// In a pod: silo name, cluster ids and address from the pod (deploy/k8s); silos whose pod is gone are declared dead at
// once, and the pod of a silo declared dead is deleted so its Deployment replaces it.
builder.AddCollaborationSilo(silo =>
{
    if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 })
    {
        silo.UseKubernetesHosting(options => options.Configure(kubernetes => kubernetes.DeleteDefunctSiloPods = true));
    }
});
var app = builder.Build();
app.MapCollaborationSilo();
await app.RunAsync();
