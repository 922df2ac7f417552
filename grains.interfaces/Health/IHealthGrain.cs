namespace Collaboration.Health;

/// <summary>
/// Answers readiness questions on whichever silo receives the call (a stateless worker), so a gateway client can ask
/// the cluster without activating anything that holds state.
/// </summary>
public interface IHealthGrain : IGrainWithIntegerKey
{
    /// <summary>Completes when a silo answers; proves the caller's connection to the cluster.</summary>
    Task PingAsync();

    /// <summary>Reads the journal's feed head on this silo; throws when the store does not answer.</summary>
    Task CheckStorageAsync();
}
