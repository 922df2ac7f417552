using Orleans.Concurrency;

namespace Collaboration.Retention;

/// <summary>Runs <see cref="RetentionSweep"/> where the store is: on the silo, for the api's admin endpoint.</summary>
[StatelessWorker(1)]
public sealed class RetentionGrain(RetentionSweep sweep) : Grain, IRetentionGrain
{
    public Task<RetentionReport> SweepAsync() => sweep.RunAsync();
}
