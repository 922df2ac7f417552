using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Collaboration.Hosting;

/// <summary>
/// What operators see and what keeps a cluster balanced: the Orleans dashboard's silo side on every silo, and in
/// Cluster mode Orleans' activation rebalancer, whose settings come from "Orleans:Rebalancer".
/// </summary>
public static class OperationsHostingExtensions
{
    public const string RebalancerSection = "Orleans:Rebalancer";

    public static ISiloBuilder AddCollaborationOperations(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Collects grain and silo statistics for the dashboard page the api serves (MapOrleansDashboard).
        silo.AddDashboard();
        if (configuration.Mode() != DeploymentMode.Cluster)
        {
            return silo;
        }
        // Placement alone only spreads new activations, so a silo that joins a busy cluster would hold nothing but
        // what is activated after it came. The rebalancer migrates existing activations towards an even spread
        // (weighted by each silo's memory), a few per cycle, until the spread stops improving.
        silo.Services.AddOptions<ActivationRebalancerOptions>().Bind(configuration.GetSection(RebalancerSection));
        // ORLEANSEXP002: the rebalancer is marked experimental in Orleans 10 (its API may change); we accept that for
        // the behaviour, which tests/Cluster/RebalancingTests.cs checks against real silos on every run.
#pragma warning disable ORLEANSEXP002
        silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
        return silo;
    }

    /// <summary>The dashboard's services on a gateway client, so the api can serve the page in Cluster mode.</summary>
    public static IClientBuilder AddCollaborationOperations(this IClientBuilder client)
    {
        client.AddDashboard();
        return client;
    }
}
