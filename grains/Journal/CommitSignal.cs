namespace Collaboration.Journal;

/// <summary>
/// A pulse at every commit of this process's writer. A follower takes <see cref="Next"/> before it reads the feed and
/// awaits it afterwards, so a commit that lands while it reads is not missed.
/// </summary>
public sealed class CommitSignal
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first commit after it was taken.</summary>
    public Task Next => Volatile.Read(ref next).Task;

    public void Committed() =>
        Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
