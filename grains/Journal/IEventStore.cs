namespace Collaboration.Journal;

/// <summary>
/// Every accepted event stored once: one record per event, its id unique, findable by user, by idea and by thread
/// through indexes on those columns, and all of them in commit order through the feed. One call of
/// <see cref="StoreAsync"/> is one unit of the store's group commit: the duplicate check, the thread-to-idea binding and
/// the insert of every event of the call commit together or not at all, so an event is never stored in part. Every
/// method throws <see cref="Errors.StorageUnavailableException"/> when the store cannot be reached.
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
    Task<EventPage> ReadAsync(EventKey key, FeedCursor from, CancellationToken ct = default);

    /// <summary>
    /// Every stored event in commit order, from <paramref name="from"/>: <see cref="FeedCursor.Start"/> for the start,
    /// then the <see cref="EventPage.Next"/> of the previous page. Reading page after page returns every committed event
    /// exactly once, never skipping one that commits later. A transaction still running does not hold later ones back:
    /// the cursor remembers it, and its events come on the first page read after it commits. A page holds at most
    /// <paramref name="maxEvents"/> events, except that PostgreSQL never splits one transaction (one batch of writes, up
    /// to a few thousand events), so a larger one comes as one page, and adds the whole of every remembered transaction
    /// that has committed since.
    /// </summary>
    Task<EventPage> ReadFeedAsync(FeedCursor from, int maxEvents, CancellationToken ct = default);

    /// <summary>
    /// A feed position to read up to: every event committed before this call has been returned once a cursor has a
    /// <see cref="FeedCursor.Position"/> &gt;= it and either no <see cref="FeedCursor.Pending"/> transactions or came
    /// from a page read after this call. The head is a target, not a place to start: a write still in flight may later
    /// commit below it.
    /// </summary>
    Task<long> FeedHeadAsync(CancellationToken ct = default);

    /// <summary>
    /// Completes at the next commit of a write made through this process (take it before reading the feed, await it
    /// after) and, on PostgreSQL, of any other process writing the store (a notification: a hint that can be lost while
    /// the listening connection is re-established, so a follower still reads the feed head now and then).
    /// </summary>
    Task NextCommit();

    /// <summary>
    /// Erases a person in one commit: every stored interaction of <paramref name="userId"/> is rewritten to name their
    /// pseudonym instead (its content hash with it), their profile changes are deleted, an erasure record naming only
    /// the pseudonym is appended to the feed, the pseudonym is kept so that their later events are refused
    /// (<see cref="StoreOutcome.UserErased"/>), an audit row without the id is written, and every snapshot that may hold
    /// the id goes: the user's, those of the ideas and threads of their events, and the read model's. Positions do not
    /// change. A person already erased is found again (their ideas and threads, so the caller can finish refolding
    /// them); a person with no stored event who was never erased is <see cref="ErasureOutcome.Unknown"/>, and nothing
    /// is written.
    /// </summary>
    Task<Erasure> EraseUserAsync(string userId, string? erasedBy, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="maxEvents"/> stored events of any key with a position above <paramref name="afterPosition"/>,
    /// in position order (the order they were stored in, give or take concurrent PostgreSQL writers): how retention walks
    /// the store from its oldest rows.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> ReadByPositionAsync(long afterPosition, int maxEvents, CancellationToken ct = default);

    /// <summary>
    /// Deletes the events at <paramref name="positions"/> (those still there) and, in the same commit, the grain snapshots
    /// of <paramref name="foldedBy"/>: the keys whose grains folded them, since a snapshot is a fold of rows that are
    /// gone. Returns how many events it deleted.
    /// </summary>
    Task<int> DeleteAsync(IReadOnlyCollection<long> positions, IReadOnlyCollection<EventKey> foldedBy, CancellationToken ct = default);

    /// <summary>The store's pseudonyms (its own key): how a fold that knew a person by their id finds them from an erasure record.</summary>
    Task<Privacy.Pseudonyms> GetPseudonymsAsync(CancellationToken ct = default);
}

public enum ErasureOutcome : byte
{
    /// <summary>The person's rows were rewritten now.</summary>
    Erased,

    /// <summary>An earlier erasure did it; nothing was written.</summary>
    AlreadyErased,

    /// <summary>No stored event names the person, and they were never erased; nothing was written.</summary>
    Unknown,
}

/// <summary>
/// What <see cref="IEventStore.EraseUserAsync"/> did: the pseudonym, how many rows it rewrote and deleted, and the ideas
/// and threads of the person's events, whose grains must fold their rows again.
/// </summary>
public sealed record Erasure(
    ErasureOutcome Outcome, string Pseudonym, int EventsAnonymised, int ProfileChangesDeleted, IReadOnlyList<string> Ideas, IReadOnlyList<string> Threads);

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

    /// <summary>The event's user was erased: nothing is written, whatever the id (checked before it).</summary>
    UserErased,
}

/// <summary>
/// What became of one event. A stored event and a duplicate carry the position of the stored record (the first
/// delivery's, for a duplicate) and its <see cref="Commit"/>, so a redelivery can be recognised by whoever folded it.
/// </summary>
/// <param name="Commit">
/// Where the record's commit stands in the order readers see (<see cref="FeedCursor.Covers"/>): its position on SQLite,
/// the id of the transaction that wrote it on PostgreSQL.
/// </param>
public readonly record struct StoreResult(StoreOutcome Outcome, long Position = 0, long Commit = 0, string? BoundIdea = null);

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

    /// <summary>The key as one string, e.g. "user/u-1001": what snapshots are stored under and reports name.</summary>
    public string Name => Kind switch
    {
        EventKeyKind.User => "user/",
        EventKeyKind.Idea => "idea/",
        EventKeyKind.Thread => "thread/",
        _ => throw new InvalidOperationException($"unknown key kind {Kind}"),
    } + Id;

    /// <summary>The column of the events table that holds this kind of key, in every database.</summary>
    public string Column => Kind switch
    {
        EventKeyKind.User => "user_id",
        EventKeyKind.Idea => "idea_id",
        EventKeyKind.Thread => "thread_id",
        _ => throw new InvalidOperationException($"unknown key kind {Kind}"),
    };
}

/// <summary>
/// A stored event with its position (unique; growing in commit order on SQLite), the user it belongs to, and when the
/// store took it (the store's clock: the silo's on SQLite, the database server's transaction start on PostgreSQL).
/// </summary>
public sealed record RecordedEvent(long Position, string UserId, JournalEvent Event, DateTimeOffset StoredAt);

/// <summary>Events read by <see cref="IEventStore.ReadAsync"/> or <see cref="IEventStore.ReadFeedAsync"/>, and where to read on from.</summary>
public sealed record EventPage(IReadOnlyList<RecordedEvent> Events, FeedCursor Next);
