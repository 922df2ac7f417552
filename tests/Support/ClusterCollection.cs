namespace Collaboration.Tests.Support;

/// <summary>
/// Tests that run several silos (in this process or as processes) take turns: on a 2-core machine, two clusters at
/// once can starve a silo long enough for its peers to vote it dead.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "Clusters";
}
