namespace Collaboration.Hosting;

/// <summary>How the service is deployed; the "Collaboration:Mode" setting.</summary>
public enum DeploymentMode
{
    /// <summary>One process: the api co-hosts a single silo on localhost clustering and the SQLite journal.</summary>
    Embedded,

    /// <summary>Silos share PostgreSQL (membership, journal, grain state); the api is a gateway client.</summary>
    Cluster,
}
