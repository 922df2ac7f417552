namespace Collaboration.Journal;

/// <summary>
/// Every accepted event stored once (issue 14's layout, not yet what the grains use): one record per event, its id
/// unique, findable by user, by idea and by thread through indexes on those columns. One call is one unit of the
/// store's group commit: the duplicate check, the thread-to-idea binding and the insert of every event of the call
/// commit together or not at all, so an event is never stored in part. Every method throws
/// <see cref="Errors.StorageUnavailableException"/> when the store cannot be reached.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Stores the events whose id is new, in the order given, and returns one result per event. An id repeated within
    /// the call is settled like one sent again later: a duplicate or a reused id. An event naming a thread is refused
    /// when the thread is bound to another idea; the first stored event of a thread binds it, in this call or an
    /// earlier one. Throws <see cref="ArgumentException"/>, storing nothing, for an event naming a thread but no idea.
    /// </summary>
    Task<StoreResult[]> StoreAsync(IReadOnlyList<EventToStore> events, CancellationToken ct = default);

    /// <summary>
    /// The events of <paramref name="key"/> from <paramref name="from"/> on, in position order, and the cursor to read
    /// on from: reading again from it returns only events committed since, never one returned before, never skipping
    /// one. Start from <see cref="FeedCursor.Start"/>.
    /// </summary>
    Task<KeyPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default);
}

/// <summary>
/// An event to store: its stored form (<see cref="EventSourcing.StoredEventFormat"/>), the hash of its content for the
/// duplicate check, the ids it is found by, and the API key that posted it (metadata of the first delivery).
/// </summary>
public sealed record EventToStore(JournalEvent Event, byte[] ContentHash, string UserId, string? IdeaId, string? ThreadId, string? PostedBy = null);

public enum StoreOutcome : byte
{
    /// <summary>The id was new: the event is stored now.</summary>
    Stored,

    /// <summary>The id was stored before with the same content: nothing is written.</summary>
    Duplicate,

    /// <summary>The id was stored before with other content: nothing is written.</summary>
    ReusedId,

    /// <summary>The event's thread belongs to another idea (<see cref="StoreResult.BoundIdea"/>): nothing is written.</summary>
    ThreadOfOtherIdea,
}

/// <summary>
/// What became of one event. A stored event and a duplicate carry the position of the stored record (the first
/// delivery's, for a duplicate), so a redelivery can be recognised by whoever folded it.
/// </summary>
public readonly record struct StoreResult(StoreOutcome Outcome, long Position = 0, string? BoundIdea = null);

public enum EventKeyKind : byte
{
    User,
    Idea,
    Thread,
}

/// <summary>What a grain folds: the events of one user, one idea or one thread.</summary>
public readonly record struct EventKey(EventKeyKind Kind, string Id)
{
    public static EventKey User(string id) => new(EventKeyKind.User, id);

    public static EventKey Idea(string id) => new(EventKeyKind.Idea, id);

    public static EventKey Thread(string id) => new(EventKeyKind.Thread, id);

    /// <summary>The column of the events table that holds this kind of key, in every database.</summary>
    public string Column => Kind switch
    {
        EventKeyKind.User => "user_id",
        EventKeyKind.Idea => "idea_id",
        EventKeyKind.Thread => "thread_id",
        _ => throw new InvalidOperationException($"unknown key kind {Kind}"),
    };
}

/// <summary>A stored event with its position (unique, growing in commit order) and when the store took it.</summary>
public sealed record RecordedEvent(long Position, JournalEvent Event, DateTimeOffset StoredAt);

/// <summary>The events of one key read by <see cref="IEventStore.ReadAsync"/>, and where to read on from.</summary>
public sealed record KeyPage(IReadOnlyList<RecordedEvent> Events, FeedCursor Next);
