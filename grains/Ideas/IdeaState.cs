using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Ideas;

/// <summary>The fold of an idea's stream: every interaction on the idea or on one of its threads.</summary>
public sealed class IdeaState : IFold<IdeaState>
{
    private readonly long[] counts = new long[InteractionTypes.Count];
    private readonly HashSet<string> threads = new(StringComparer.Ordinal);

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
        Participants.Raise(interaction.UserId, interaction.Type.Level());
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

    public IEnumerable<(string Name, string Value)> Summarize() =>
    [
        .. Summaries.Counts("counts", counts),
        ("owner", Creation?.UserId ?? "none"),
        ("threads", Summaries.Of(threads.Count)),
        .. Summaries.Of("participants", Participants.ToView()),
        ("followers", Summaries.Of(Followers.Count)),
        ("followMarks", Summaries.Of(Followers.Marks)),
    ];

    public byte[] ToSnapshot() => JsonSerializer.SerializeToUtf8Bytes(
        new IdeaSnapshot(counts, [.. threads.Order(StringComparer.Ordinal)], Creation, Participants.ToSnapshot(), Followers.ToSnapshot()),
        CollaborationJson.Default.IdeaSnapshot);

    public static IdeaState FromSnapshot(byte[] data)
    {
        var snapshot = JsonSerializer.Deserialize(data, CollaborationJson.Default.IdeaSnapshot)
            ?? throw new InvalidDataException("Empty idea snapshot.");
        var state = new IdeaState
        {
            Creation = snapshot.Creation,
            Participants = ParticipantSet.FromSnapshot(snapshot.Participants),
            Followers = FollowSet.FromSnapshot(snapshot.Followers),
        };
        snapshot.Counts.CopyTo(state.counts, 0);
        state.threads.UnionWith(snapshot.Threads);
        return state;
    }
}

/// <summary>Snapshot form of <see cref="IdeaState"/>.</summary>
public sealed record IdeaSnapshot(
    long[] Counts, string[] Threads, FirstCreate? Creation, Dictionary<string, ParticipationLevel> Participants, FollowEntry[] Followers);
