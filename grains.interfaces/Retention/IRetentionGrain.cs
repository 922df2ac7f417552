namespace Collaboration.Retention;

/// <summary>Runs a retention sweep now (README, Personal data), on whichever silo takes the call.</summary>
public interface IRetentionGrain : IGrainWithIntegerKey
{
    Task<RetentionReport> SweepAsync();
}

/// <summary>
/// What one retention sweep did: whether retention is on, the horizon (events stored before it expire), how many
/// events it deleted and how many old ones it kept because they define current state.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RetentionReport(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] DateTimeOffset? Horizon,
    [property: Id(2)] long EventsDeleted,
    [property: Id(3)] long EventsKept,
    [property: Id(4)] double ElapsedMilliseconds);
