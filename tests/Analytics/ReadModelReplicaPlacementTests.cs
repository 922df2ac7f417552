using System.Net;
using Collaboration.Analytics;
using Collaboration.Rebuild;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// Where the read model's replicas go (the rules of ReadModelReplicaPlacementDirector); that the silos follow them is
/// tested with real processes in ReadModelFailoverTests.
/// </summary>
public class ReadModelReplicaPlacementTests
{
    private static readonly SiloAddress A = Silo(1), B = Silo(2), C = Silo(3);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), 1);

    [Fact]
    public void Two_replicas_take_the_first_and_the_last_silo_in_address_order()
    {
        Assert.Equal(A, ReadModelReplicaPlacementDirector.Choose(0, 2, [C, A, B], new HashSet<SiloAddress>()));
        Assert.Equal(C, ReadModelReplicaPlacementDirector.Choose(1, 2, [C, A, B], new HashSet<SiloAddress>()));
    }

    [Fact]
    public void A_replica_avoids_the_silos_the_others_occupy_while_one_is_free()
    {
        // Replica 0 lost with A; replica 1 runs on B, the first survivor: replica 0 comes back on C, not beside it.
        Assert.Equal(C, ReadModelReplicaPlacementDirector.Choose(0, 2, [B, C], new HashSet<SiloAddress> { B }));
        // With no free silo it shares one rather than not run.
        Assert.Equal(B, ReadModelReplicaPlacementDirector.Choose(0, 2, [B], new HashSet<SiloAddress> { B }));
    }

    [Fact]
    public void Only_the_higher_of_two_replicas_sharing_a_silo_moves_and_only_to_a_free_silo()
    {
        var occupied = new HashSet<SiloAddress> { A };

        Assert.Equal(C, ReadModelReplicaPlacementDirector.MoveTarget(1, 2, hostedHere: [0, 1], [A, B, C], occupied));
        Assert.Null(ReadModelReplicaPlacementDirector.MoveTarget(0, 2, hostedHere: [0, 1], [A, B, C], occupied));
        Assert.Null(ReadModelReplicaPlacementDirector.MoveTarget(1, 2, hostedHere: [0, 1], [A], occupied));
        Assert.Null(ReadModelReplicaPlacementDirector.MoveTarget(1, 2, hostedHere: [1], [A, B, C], occupied));
    }

    [Fact]
    public void Replicas_spread_evenly_and_never_past_the_last_silo()
    {
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(r => ReadModelReplicaPlacementDirector.SiloIndex(r, 3, 3)));
        Assert.Equal([0, 0, 0], Enumerable.Range(0, 3).Select(r => ReadModelReplicaPlacementDirector.SiloIndex(r, 3, 1)));
        Assert.Equal(0, ReadModelReplicaPlacementDirector.SiloIndex(0, 1, 5));
        Assert.Equal(4, ReadModelReplicaPlacementDirector.SiloIndex(7, 2, 5));
    }

    [Fact]
    public void The_rebuild_of_several_replicas_reports_every_change_under_its_replica()
    {
        var report = RebuildReport.Combine([
            new RebuildReport("read-model", 10, 100, false, []),
            new RebuildReport("read-model", 12, 50, true, [new RebuildChange("users28d", "3", "4")]),
        ]);

        Assert.Equal(("read-model", 12L, 150.0, true), (report.Target, report.EventsFolded, report.ElapsedMilliseconds, report.Changed));
        Assert.Equal([new RebuildChange("replica 1: users28d", "3", "4")], report.Changes);
    }
}
