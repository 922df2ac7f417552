namespace Collaboration.Errors;

/// <summary>
/// Refused at the entrance because writes are already queued past the silo's limit; nothing of the request was stored.
/// <see cref="RetryAfterSeconds"/> is how long the queue takes to drain at the store's measured rate.
/// </summary>
[GenerateSerializer]
public sealed class StorageBusyException : StorageUnavailableException
{
    public StorageBusyException() { }

    public StorageBusyException(string message, int retryAfterSeconds) : base(message) => RetryAfterSeconds = retryAfterSeconds;

    [Id(0)]
    public int RetryAfterSeconds { get; private set; } = 1;
}
