using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Ideas;

/// <summary>
/// The fold of an idea's stream: every interaction on the idea or on one of its threads. Besides counts, participants
/// and followers it keeps the activity of the <see cref="ActivityKept"/> up to its latest (packed, a few bytes each),
/// so that a follower can be told what is new since they last saw it.
/// </summary>
public sealed class IdeaState : IFold<IdeaState>
{
    /// <summary>How far back from the idea's latest activity what is new is counted.</summary>
    public static readonly TimeSpan ActivityKept = TimeSpan.FromDays(90);

    private readonly long[] counts = new long[InteractionTypes.Count];
    private readonly HashSet<string> threads = new(StringComparer.Ordinal);
    private Timeline activity = new();
    private long? lastActivityTicks;

    public FirstCreate? Creation { get; private set; }

    public ParticipantSet Participants { get; private set; } = new();

    public FollowSet Followers { get; private set; } = new();

    public bool IsKnown => counts.Any(count => count > 0);

    public void Apply(IStreamEvent streamEvent)
    {
        if (streamEvent is not Interaction interaction)
        {
            throw new InvalidDataException($"An idea stream cannot hold {streamEvent.GetType().Name}.");
        }
        counts[(int)interaction.Type]++;
        var ticks = interaction.OccurredAt.UtcTicks;
        Participants.Raise(interaction.UserId, interaction.Type.Level(), ticks);
        lastActivityTicks = Math.Max(lastActivityTicks ?? ticks, ticks);
        activity.Add(ticks, interaction.Type);
        // Kept relative to the latest activity, so the timeline is a function of the events, whatever their order.
        activity.ForgetBefore(lastActivityTicks.Value - ActivityKept.Ticks);
        if (interaction.ThreadId is not null)
        {
            threads.Add(interaction.ThreadId);
            return;
        }
        if (interaction.Type == InteractionType.Create)
        {
            Creation = FirstCreate.Earliest(Creation, interaction);
        }
        if (interaction.CountsAsFollowMark)
        {
            Followers.Apply(interaction.UserId,
                new FollowMark(interaction.OccurredAt.UtcTicks, interaction.EventId, interaction.MarksFollowing));
        }
    }

    public IdeaView ToView(string ideaId) => new(
        ideaId, Creation?.UserId, Creation?.Title, Creation?.Tags ?? [], Creation?.CreatedAt, Followers.Count,
        TypeCounts.From(counts), threads.Count, Participants.ToView());

    /// <summary>
    /// What is new for <paramref name="userId"/>: the activity after their latest event here (all of it by others, since
    /// their own events move that instant), counted among the activity kept, all zero when nothing is; null for an
    /// idea without events.
    /// </summary>
    public IdeaUpdate? UpdateFor(string ideaId, string userId)
    {
        if (lastActivityTicks is not { } last)
        {
            return null;
        }
        var seen = Participants.LastSeen(userId);
        Span<long> news = stackalloc long[InteractionTypes.Count];
        activity.CountWithin(seen ?? long.MinValue, long.MaxValue, news);
        return new IdeaUpdate(ideaId, Creation?.Title, new DateTimeOffset(last, TimeSpan.Zero),
            seen is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null, TypeCounts.From(news));
    }

    public IEnumerable<(string Name, string Value)> Summarize() =>
    [
        .. Summaries.Counts("counts", counts),
        ("owner", Creation?.UserId ?? "none"),
        ("threads", Summaries.Of(threads.Count)),
        .. Summaries.Of("participants", Participants.ToView()),
        ("followers", Summaries.Of(Followers.Count)),
        ("followMarks", Summaries.Of(Followers.Marks)),
        ("activityKept", Summaries.Of(activity.Count)),
        ("lastActivity", lastActivityTicks is { } last ? Summaries.Instant(last) : "none"),
    ];

    public byte[] ToSnapshot()
    {
        var (levels, lastSeen) = Participants.ToSnapshot();
        return JsonSerializer.SerializeToUtf8Bytes(
            new IdeaSnapshot(counts, [.. threads.Order(StringComparer.Ordinal)], Creation, levels, Followers.ToSnapshot(), lastSeen, activity.ToBytes(), lastActivityTicks),
            CollaborationJson.Default.IdeaSnapshot);
    }

    public static IdeaState FromSnapshot(byte[] data)
    {
        var snapshot = JsonSerializer.Deserialize(data, CollaborationJson.Default.IdeaSnapshot)
            ?? throw new InvalidDataException("Empty idea snapshot.");
        var state = new IdeaState
        {
            Creation = snapshot.Creation,
            Participants = ParticipantSet.FromSnapshot(snapshot.Participants, snapshot.LastSeen),
            Followers = FollowSet.FromSnapshot(snapshot.Followers),
            // Snapshots from before the activity was kept have none: the grain then folds its events again.
            activity = Timeline.FromBytes(snapshot.Activity ?? throw new InvalidDataException("The idea's activity is missing.")),
            lastActivityTicks = snapshot.LastActivity,
        };
        snapshot.Counts.CopyTo(state.counts, 0);
        state.threads.UnionWith(snapshot.Threads);
        return state;
    }
}

/// <summary>Snapshot form of <see cref="IdeaState"/>.</summary>
/// <param name="LastSeen">Each participant's latest instant, in the ordinal order of <paramref name="Participants"/>.</param>
/// <param name="Activity">The packed activity kept (<see cref="Timeline.ToBytes"/>).</param>
public sealed record IdeaSnapshot(
    long[] Counts, string[] Threads, FirstCreate? Creation, Dictionary<string, ParticipationLevel> Participants, FollowEntry[] Followers,
    long[]? LastSeen = null, byte[]? Activity = null, long? LastActivity = null);
