using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Threads;

/// <summary>The fold of a thread's stream: the idea it is bound to, its author, counts and participants.</summary>
public sealed class ThreadState : IFold<ThreadState>
{
    private readonly long[] counts = new long[InteractionTypes.Count];

    /// <summary>The idea named by the first stored event; the grain refuses events that name another one.</summary>
    public string? IdeaId { get; private set; }

    public FirstCreate? Creation { get; private set; }

    public ParticipantSet Participants { get; private set; } = new();

    public void Apply(IStreamEvent streamEvent)
    {
        if (streamEvent is not Interaction interaction)
        {
            throw new InvalidDataException($"A thread stream cannot hold {streamEvent.GetType().Name}.");
        }
        IdeaId ??= interaction.IdeaId;
        counts[(int)interaction.Type]++;
        Participants.Raise(interaction.UserId, interaction.Type.Level(), interaction.OccurredAt.UtcTicks);
        if (interaction.Type == InteractionType.Create)
        {
            Creation = FirstCreate.Earliest(Creation, interaction);
        }
    }

    public ThreadView? ToView(string threadId) => IdeaId is null ? null : new(
        threadId, IdeaId, Creation?.UserId, Creation?.CreatedAt, TypeCounts.From(counts), Participants.ToView());

    public IEnumerable<(string Name, string Value)> Summarize() =>
    [
        ("idea", IdeaId ?? "none"),
        .. Summaries.Counts("counts", counts),
        ("author", Creation?.UserId ?? "none"),
        .. Summaries.Of("participants", Participants.ToView()),
    ];

    public byte[] ToSnapshot()
    {
        var (levels, lastSeen) = Participants.ToSnapshot();
        return JsonSerializer.SerializeToUtf8Bytes(new ThreadSnapshot(IdeaId, counts, Creation, levels, lastSeen), CollaborationJson.Default.ThreadSnapshot);
    }

    public static ThreadState FromSnapshot(byte[] data)
    {
        var snapshot = JsonSerializer.Deserialize(data, CollaborationJson.Default.ThreadSnapshot)
            ?? throw new InvalidDataException("Empty thread snapshot.");
        var state = new ThreadState
        {
            IdeaId = snapshot.IdeaId,
            Creation = snapshot.Creation,
            Participants = ParticipantSet.FromSnapshot(snapshot.Participants, snapshot.LastSeen),
        };
        snapshot.Counts.CopyTo(state.counts, 0);
        return state;
    }
}

/// <summary>Snapshot form of <see cref="ThreadState"/>.</summary>
/// <param name="LastSeen">Each participant's latest instant, in the ordinal order of <paramref name="Participants"/>; absent from snapshots written before they were kept.</param>
public sealed record ThreadSnapshot(
    string? IdeaId, long[] Counts, FirstCreate? Creation, Dictionary<string, ParticipationLevel> Participants, long[]? LastSeen = null);
