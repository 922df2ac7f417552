using System.Text.Json;
using Collaboration.EventSourcing;
using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Reads;

namespace Collaboration.Users;

/// <summary>
/// The fold of a user's stream: profile, per-type totals, first and last activity, a timeline for windowed counts, and
/// follows. The timeline holds only what a windowed read can need: the activities no older than
/// <see cref="TimelineKept"/> before the latest one and before the latest read (<see cref="ForgetBefore"/>), so its
/// memory follows the user's recent activity, not their history (issue 18). It stays a function of the set of events
/// and that horizon: a late event older than either changes the totals and the first activity only.
/// </summary>
public sealed class UserState : IFold<UserState>
{
    /// <summary>
    /// The longest window (90 days) and a day: reads end at the api's clock, and an event may be dated up to 5 minutes
    /// after it arrives, so a read never ends more than a day before the latest activity.
    /// </summary>
    public static readonly TimeSpan TimelineKept = TimeSpan.FromDays(91);

    private readonly long[] totals = new long[InteractionTypes.Count];

    // Sorted by time, then type (the same activities in any order of arrival make the same timeline and snapshot).
    private readonly Timeline timeline = new();
    private long? firstTicks, lastTicks;

    // Activities before this were forgotten: no read ends before the latest one's end (see ForgetBefore).
    private long forgottenBefore = long.MinValue;

    public UserProfile? Profile { get; private set; }

    public FollowSet Following { get; private set; } = new();

    public bool IsKnown => Profile is not null || lastTicks is not null;

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
        var ticks = interaction.OccurredAt.UtcTicks;
        firstTicks = Math.Min(firstTicks ?? ticks, ticks);
        lastTicks = Math.Max(lastTicks ?? ticks, ticks);
        timeline.Add(ticks, interaction.Type);
        Trim();
        if (interaction.CountsAsFollowMark)
        {
            Following.Apply(interaction.IdeaId,
                new FollowMark(interaction.OccurredAt.UtcTicks, interaction.EventId, interaction.MarksFollowing));
        }
    }

    /// <summary>
    /// Forgets the activities before <paramref name="ticks"/>: a read ending at t calls it with t -
    /// <see cref="TimelineKept"/>, since reads end at the api's clock, which only moves on (the day beyond the longest
    /// window covers clocks of several api instances that differ by seconds).
    /// </summary>
    public void ForgetBefore(long ticks)
    {
        if (ticks > forgottenBefore)
        {
            forgottenBefore = ticks;
            Trim();
        }
    }

    public void CarryHorizonTo(UserState fresh) => fresh.ForgetBefore(forgottenBefore);

    private void Trim()
    {
        timeline.ForgetBefore(Math.Max(lastTicks is { } last ? last - TimelineKept.Ticks : long.MinValue, forgottenBefore));
    }

    public UserView ToView(string userId, ReadWindow window, DateTimeOffset now)
    {
        Span<long> counts = stackalloc long[InteractionTypes.Count];
        if (window.Length is { } length)
        {
            // A bounded window ends now, so an event dated ahead counts once its time comes.
            timeline.CountWithin(now.UtcTicks - length.Ticks, now.UtcTicks, counts);
        }
        else
        {
            // All time counts every stored event, as totals and follow state do.
            totals.CopyTo(counts);
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
            firstTicks is { } first ? new DateTimeOffset(first, TimeSpan.Zero) : null,
            lastTicks is { } last ? new DateTimeOffset(last, TimeSpan.Zero) : null,
            Following.Count, Profile?.Suggestions ?? true);
    }

    public IEnumerable<(string Name, string Value)> Summarize() =>
    [
        ("profile", Profile is null ? "none" : "set"),
        .. Summaries.Counts("totals", totals),
        ("timeline", Summaries.Of(timeline.Count)),
        ("firstActivity", firstTicks is { } first ? Summaries.Instant(first) : "none"),
        ("lastActivity", lastTicks is { } last ? Summaries.Instant(last) : "none"),
        ("following", Summaries.Of(Following.Count)),
        ("followMarks", Summaries.Of(Following.Marks)),
    ];

    public byte[] ToSnapshot() => JsonSerializer.SerializeToUtf8Bytes(
        new UserSnapshot(Profile, totals, [.. timeline.Select(a => a.Ticks)], [.. timeline.Select(a => a.Type)], Following.ToSnapshot(),
            firstTicks, lastTicks, forgottenBefore == long.MinValue ? null : forgottenBefore),
        CollaborationJson.Default.UserSnapshot);

    public static UserState FromSnapshot(byte[] data)
    {
        var snapshot = JsonSerializer.Deserialize(data, CollaborationJson.Default.UserSnapshot)
            ?? throw new InvalidDataException("Empty user snapshot.");
        var state = new UserState { Profile = snapshot.Profile, Following = FollowSet.FromSnapshot(snapshot.Follows) };
        snapshot.Totals.CopyTo(state.totals, 0);
        // Snapshots written before the timeline was bounded have no first and last: their timeline held everything.
        state.firstTicks = snapshot.First ?? (snapshot.Ticks.Length > 0 ? snapshot.Ticks[0] : null);
        state.lastTicks = snapshot.Last ?? (snapshot.Ticks.Length > 0 ? snapshot.Ticks[^1] : null);
        for (var i = 0; i < snapshot.Ticks.Length; i++)
        {
            state.timeline.Add(snapshot.Ticks[i], snapshot.Types[i]);
        }
        state.forgottenBefore = snapshot.ForgottenBefore ?? long.MinValue;
        state.Trim();
        return state;
    }
}

/// <summary>Snapshot form of <see cref="UserState"/>; the timeline is stored as two parallel arrays.</summary>
public sealed record UserSnapshot(
    UserProfile? Profile, long[] Totals, long[] Ticks, InteractionType[] Types, FollowEntry[] Follows, long? First = null, long? Last = null,
    long? ForgottenBefore = null);
