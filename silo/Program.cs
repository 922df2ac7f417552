using Collaboration.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// A silo on its own, for hosting grains apart from the api. Until cluster mode lands, it uses localhost clustering
// and the embedded journal of its data folder (COLLAB_DATA_DIR); the api co-hosts an equivalent silo by default.
var builder = Host.CreateApplicationBuilder(args);
var orleans = builder.Configuration.GetSection("Orleans");
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(orleans.GetValue("SiloPort", 11111), orleans.GetValue("GatewayPort", 30000))
    .AddCollaborationGrains(builder.Configuration));
await builder.Build().RunAsync();
