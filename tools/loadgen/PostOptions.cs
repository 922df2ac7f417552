namespace Collaboration.LoadGen;

/// <summary>How <c>post</c> sends a generated folder.</summary>
public sealed record PostOptions
{
    public required string In { get; init; }
    public int Concurrency { get; init; } = 8;

    /// <summary>Events per request; the service takes at most 1000 and 1 MiB.</summary>
    public int Batch { get; init; } = 500;
    public bool ImportDirectory { get; init; } = true;

    /// <summary>Directory rows per import call, so each call ends well within the HTTP timeout.</summary>
    public int ImportRows { get; init; } = 20_000;

    /// <summary>Tries of one request before its events count as failed.</summary>
    public int MaxAttempts { get; init; } = 8;

}
