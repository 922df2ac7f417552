using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Users;

/// <summary>The fold of a user's stream: profile, per-type totals, a timeline for windowed counts, and follows.</summary>
public sealed class UserState : IFold<UserState>
{
    private readonly long[] totals = new long[InteractionTypes.Count];

    // Sorted by time so a window's counts are two binary searches away; 16 bytes per interaction.
    private readonly List<Activity> timeline = [];

    public UserProfile? Profile { get; private set; }

    public FollowSet Following { get; private set; } = new();

    public bool IsKnown => Profile is not null || timeline.Count > 0;

    public void Apply(IStreamEvent streamEvent)
    {
        switch (streamEvent)
        {
            case Interaction interaction:
                Apply(interaction);
                break;
            case UserErased:
                // The record that closes an erased person's rows, under their pseudonym: nothing to fold.
                break;
            case ProfileUpdated updated:
                Profile = updated.Profile;
                break;
            default:
                throw new InvalidDataException($"A user stream cannot hold {streamEvent.GetType().Name}.");
        }
    }

    private void Apply(Interaction interaction)
    {
        totals[(int)interaction.Type]++;
        AddToTimeline(new Activity(interaction.OccurredAt.UtcTicks, interaction.Type));
        if (interaction.CountsAsFollowMark)
        {
            Following.Apply(interaction.IdeaId,
                new FollowMark(interaction.OccurredAt.UtcTicks, interaction.EventId, interaction.MarksFollowing));
        }
    }

    private void AddToTimeline(Activity activity)
    {
        // Ordered by time, then type: the same activities in any order of arrival make the same timeline (and snapshot).
        var index = timeline.Count;
        while (index > 0 && (timeline[index - 1].Ticks, timeline[index - 1].Type).CompareTo((activity.Ticks, activity.Type)) > 0)
        {
            index--;
        }
        timeline.Insert(index, activity);
    }

    public UserView ToView(string userId, ReadWindow window, DateTimeOffset now)
    {
        Span<long> counts = stackalloc long[InteractionTypes.Count];
        // A bounded window ends now, so an event dated ahead counts once its time comes; all time counts every
        // stored event, as totals and follow state do.
        var end = window.Length is null ? long.MaxValue : now.UtcTicks;
        var start = window.Length is { } length ? end - length.Ticks : long.MinValue;
        // Events in (start, end]: everything after the last event at or before start, up to the last at or before end.
        for (var i = FirstAfter(start); i < timeline.Count && timeline[i].Ticks <= end; i++)
        {
            counts[(int)timeline[i].Type]++;
        }
        var tier = ParticipationLevel.Inactive;
        for (var type = 0; type < InteractionTypes.Count; type++)
        {
            if (counts[type] > 0 && ((InteractionType)type).Level() > tier)
            {
                tier = ((InteractionType)type).Level();
            }
        }
        return new UserView(
            userId, Profile?.DisplayName, Profile?.Country, Profile?.Site, Profile?.Department, Profile?.Function,
            Profile is not null, window.Name, tier.ToWireName(), TypeCounts.From(counts), TypeCounts.From(totals),
            timeline.Count > 0 ? new DateTimeOffset(timeline[0].Ticks, TimeSpan.Zero) : null,
            timeline.Count > 0 ? new DateTimeOffset(timeline[^1].Ticks, TimeSpan.Zero) : null,
            Following.Count);
    }

    private int FirstAfter(long ticks)
    {
        int low = 0, high = timeline.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (timeline[middle].Ticks <= ticks)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    public IEnumerable<(string Name, string Value)> Summarize() =>
    [
        ("profile", Profile is null ? "none" : "set"),
        .. Summaries.Counts("totals", totals),
        ("timeline", Summaries.Of(timeline.Count)),
        ("firstActivity", timeline.Count > 0 ? Summaries.Instant(timeline[0].Ticks) : "none"),
        ("lastActivity", timeline.Count > 0 ? Summaries.Instant(timeline[^1].Ticks) : "none"),
        ("following", Summaries.Of(Following.Count)),
        ("followMarks", Summaries.Of(Following.Marks)),
    ];

    public byte[] ToSnapshot() => JsonSerializer.SerializeToUtf8Bytes(
        new UserSnapshot(Profile, totals, timeline.Select(a => a.Ticks).ToArray(), timeline.Select(a => a.Type).ToArray(), Following.ToSnapshot()),
        CollaborationJson.Default.UserSnapshot);

    public static UserState FromSnapshot(byte[] data)
    {
        var snapshot = JsonSerializer.Deserialize(data, CollaborationJson.Default.UserSnapshot)
            ?? throw new InvalidDataException("Empty user snapshot.");
        var state = new UserState { Profile = snapshot.Profile, Following = FollowSet.FromSnapshot(snapshot.Follows) };
        snapshot.Totals.CopyTo(state.totals, 0);
        for (var i = 0; i < snapshot.Ticks.Length; i++)
        {
            state.timeline.Add(new Activity(snapshot.Ticks[i], snapshot.Types[i]));
        }
        return state;
    }

    private readonly record struct Activity(long Ticks, InteractionType Type);
}

/// <summary>Snapshot form of <see cref="UserState"/>; the timeline is stored as two parallel arrays.</summary>
public sealed record UserSnapshot(UserProfile? Profile, long[] Totals, long[] Ticks, InteractionType[] Types, FollowEntry[] Follows);
