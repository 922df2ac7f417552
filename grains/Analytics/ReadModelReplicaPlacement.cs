using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Collaboration.Analytics;

/// <summary>
/// Places each replica of the read model (<see cref="AnalyticsOptions.Replicas"/>) on a silo that hosts no other
/// replica while there is one: of the active silos in address order that no other replica is known to occupy (see
/// <see cref="ReadModelReplicaLocations"/>), replica 0 takes the first, the last replica the last, the others spread
/// between. So a replica lost with its silo comes back beside none of the others when three or more silos remain.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ReadModelReplicaPlacement : PlacementStrategy
{
    /// <summary>The grain directory of the replicas: Orleans' distributed directory, which keeps registrations across silo losses.</summary>
    public const string Directory = "read-model";
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReadModelReplicaPlacementAttribute() : PlacementAttribute(new ReadModelReplicaPlacement());

internal sealed class ReadModelReplicaPlacementDirector(
    IOptions<AnalyticsOptions> options, ReadModelReplicaLocations locations, ILogger<ReadModelReplicaPlacementDirector> logger) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var replica = (int)Math.Clamp(target.GrainIdentity.GetIntegerKey(), 0, int.MaxValue);
        var silos = context.GetCompatibleSilos(target);
        var occupied = locations.OccupiedByOthers(replica);
        var chosen = Choose(replica, options.Value.ReplicaCount, silos, occupied);
        // Rare (a start, a failover, a move) and what an operator asks after a failover: where the standby went and why.
        logger.LogInformation("Read model replica {Replica} placed on {Silo} (active silos {Silos}; other replicas on {Occupied})",
            replica, chosen, string.Join(", ", silos.AsEnumerable()), string.Join(", ", occupied));
        return Task.FromResult(chosen);
    }

    /// <summary>The silo for <paramref name="replica"/>: by <see cref="SiloIndex"/> among the silos no other replica occupies, or among all when every one is.</summary>
    public static SiloAddress Choose(int replica, int replicas, IEnumerable<SiloAddress> silos, IReadOnlySet<SiloAddress> occupied)
    {
        var sorted = silos.Order().ToArray();
        var free = sorted.Where(silo => !occupied.Contains(silo)).ToArray();
        var pool = free.Length > 0 ? free : sorted;
        return pool[SiloIndex(replica, replicas, pool.Length)];
    }

    /// <summary>Which of <paramref name="silos"/> sorted silos hosts <paramref name="replica"/> of <paramref name="replicas"/>.</summary>
    public static int SiloIndex(int replica, int replicas, int silos) =>
        replicas <= 1 ? 0 : (int)Math.Min(silos - 1, (long)replica * (silos - 1) / (replicas - 1));

    /// <summary>
    /// Where a replica should move, if anywhere: away from a silo it shares with a lower replica, to a silo no replica
    /// occupies (a cluster that started on one silo placed every replica there). The lower replica always stays, so
    /// two that share a silo never both reload at once, and a replica never moves for a mere change of membership.
    /// </summary>
    public static SiloAddress? MoveTarget(
        int replica, int replicas, IEnumerable<int> hostedHere, IEnumerable<SiloAddress> activeSilos, IReadOnlySet<SiloAddress> occupied)
    {
        var free = activeSilos.Where(silo => !occupied.Contains(silo)).ToList();
        return hostedHere.Any(other => other < replica) && free.Count > 0 ? Choose(replica, replicas, free, occupied) : null;
    }
}

/// <summary>
/// Where this silo last found each read model replica (<see cref="ReadModelKeeper"/> asks every replica every two
/// seconds): what placement needs to keep replicas apart. A location may be a few seconds old; a replica placed beside
/// another on stale knowledge moves on its next check.
/// </summary>
public sealed class ReadModelReplicaLocations
{
    private ImmutableDictionary<int, SiloAddress> silos = ImmutableDictionary<int, SiloAddress>.Empty;

    public void Found(int replica, SiloAddress silo) => ImmutableInterlocked.Update(ref silos, (all, found) => all.SetItem(replica, found), silo);

    /// <summary>The silos where the replicas other than <paramref name="replica"/> were last found.</summary>
    public IReadOnlySet<SiloAddress> OccupiedByOthers(int replica) =>
        Volatile.Read(ref silos).Where(r => r.Key != replica).Select(r => r.Value).ToHashSet();

    /// <summary>The silos where any replica was last found.</summary>
    public IReadOnlySet<SiloAddress> Occupied() => Volatile.Read(ref silos).Values.ToHashSet();
}
