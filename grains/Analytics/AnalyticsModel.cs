using Collaboration.Events;
using Collaboration.Folds;
using Collaboration.Privacy;
using Collaboration.Users;

namespace Collaboration.Analytics;

/// <summary>
/// The fold of every user stream into counters that answer participation, tie and funnel questions for any window end
/// in O(groups x log days). Each user's presence in a window is a set of runs over the window end (see
/// <see cref="Coverage"/>); the parts' counters add up those runs per level and window, and split them by group:
/// <see cref="ParticipationTiers"/>, <see cref="TierFunnel"/>, <see cref="DailyTiers"/>, <see cref="ContributionTies"/>
/// and <see cref="IdeaReachIndex"/>, over the users and groups of <see cref="Population"/>.
///
/// A change to a user is applied as "subtract what the user contributed to the counters over the ends the change can
/// affect, change, add it back": counts are exact, and the same code moves users between groups and ties between
/// owners. Not thread-safe: the analytics grain owns it.
/// </summary>
internal sealed partial class AnalyticsModel
{
    private readonly Population population;
    private readonly IdeaReachIndex ideas;
    private readonly ContributionTies ties;
    private readonly ParticipationTiers tiers;
    private readonly TierFunnel funnel;
    private readonly DailyTiers daily;
    private readonly FollowLedger follows;
    private InterestIndex interests = new();
    private readonly Matchmaking.Scratch scratch = new();
    private readonly PendingMarks pending = new();

    public AnalyticsModel()
        : this(new Population())
    {
    }

    private AnalyticsModel(Population population)
        : this(population, new IdeaReachIndex(population), new ContributionTies(population), new ParticipationTiers(population), null, new DailyTiers(),
            new FollowLedger())
    {
    }

    private AnalyticsModel(
        Population population, IdeaReachIndex ideas, ContributionTies ties, ParticipationTiers tiers, TierFunnel? funnel, DailyTiers daily,
        FollowLedger follows)
    {
        this.population = population;
        this.ideas = ideas;
        this.ties = ties;
        this.tiers = tiers;
        this.funnel = funnel ?? new TierFunnel(population, tiers);
        this.daily = daily;
        this.follows = follows;
    }

    public long EventsApplied { get; private set; }

    /// <summary>The store's pseudonyms, which an erasure record needs (<see cref="ModelFeed"/> sets them before one).</summary>
    public Pseudonyms? Names { get; set; }

    /// <summary>Erasures applied since this model was made or loaded: a snapshot after one must not keep older ones.</summary>
    public int ErasuresApplied { get; private set; }

    /// <summary>
    /// An erasure found the person and their pseudonym as two users (a model that folded some of the person's rows
    /// before the erasure rewrote them and some after): only a fold from the start can make them one again.
    /// </summary>
    public bool NeedsRebuild { get; private set; }

    public void Apply(string userId, IStreamEvent streamEvent)
    {
        if (streamEvent is UserErased erased)
        {
            // The record counts; the profile changes it deleted no longer do, if this model had counted them.
            EventsApplied += 1 - (Erase(erased.Pseudonym) ? erased.ProfileChangesDeleted : 0);
            return;
        }
        var user = population.GetOrAdd(userId);
        switch (streamEvent)
        {
            case ProfileUpdated updated:
                SetGroups(user, updated.Profile);
                user.SuggestionsOff = !updated.Profile.Suggestions;
                break;
            case Interaction interaction:
                Record(user, interaction);
                break;
        }
        EventsApplied++;
    }

    /// <summary>
    /// Renames the person whose pseudonym is <paramref name="pseudonym"/> to it and moves them out of every group (their
    /// profile is gone): a scan of the users for the one whose id gives that pseudonym, since the record names no one.
    /// Nothing to do when no user has such an id (already renamed, or the model never knew them). Whether it found them.
    /// </summary>
    private bool Erase(string pseudonym)
    {
        var names = Names ?? throw new InvalidOperationException("An erasure record needs the store's pseudonyms.");
        var person = population.Users.FirstOrDefault(user => !Pseudonyms.IsPseudonym(user.Id) && names.Of(user.Id) == pseudonym);
        if (person is null)
        {
            return false;
        }
        ErasuresApplied++;
        if (population.TryFind(pseudonym, out _))
        {
            NeedsRebuild = true;
            return true;
        }
        SetGroups(person, new UserProfile(null, null, null, null, null));
        person.SuggestionsOff = true; // a pseudonym is nobody to suggest
        foreach (var idea in person.Owned ?? [])
        {
            if (idea.First is { } first && first.UserId == person.Id)
            {
                ideas.SetFirst(idea, first with { UserId = pseudonym });
            }
        }
        population.Rename(person, pseudonym);
        return true;
    }

    private void Record(UserData user, Interaction interaction)
    {
        var at = interaction.OccurredAt.UtcTicks;
        var idea = ideas.GetOrAdd(interaction.IdeaId);
        follows.Record(user, idea, interaction);
        if (interaction.Type == InteractionType.View && at < HorizonStart)
        {
            idea.ViewsBefore++;
        }
        else if (interaction.Type == InteractionType.View)
        {
            idea.Views.Add(DayTotals.DayOf(at));
        }
        if (interaction.Type == InteractionType.Create && interaction.ThreadId is null)
        {
            var first = FirstCreate.Earliest(idea.First, interaction);
            if (first != idea.First)
            {
                // Its tags or owner may change: the idea's units leave the interest index and come back.
                interests.Add(idea, -1);
                ideas.SetFirst(idea, first);
                SetOwner(idea, population.Get(first!.UserId));
                interests.Add(idea);
            }
        }

        var top = (int)interaction.Type.Level();
        var isContribution = interaction.Type is InteractionType.Comment or InteractionType.Like or InteractionType.Edit or InteractionType.Share
            || (interaction.Type == InteractionType.Create && interaction.ThreadId is not null);
        var contributions = isContribution ? idea.ContributionsOf(user) : null;
        var newInterestDay = contributions is not null && InterestIndex.IsNewDay(idea, user, contributions, DayTotals.DayOf(at));
        var isNew = contributions is not null && !Coverage.Covers(contributions, at);
        for (var level = PresenceLevels.First; level <= top; level++)
        {
            isNew |= user.Levels[level] is not { } instants || !Coverage.Covers(instants, at);
        }
        if (!isNew)
        {
            return; // an event between two of its day at every level it reaches changes no presence
        }
        var tieOwner = isContribution && idea.Owner is { } owner && owner != user ? owner : null;
        Change([user], new ChangeScope(at, top, tieOwner), () =>
        {
            for (var level = PresenceLevels.First; level <= top; level++)
            {
                Coverage.InsertKeepingDayEnds(user.Levels[level] ??= new List<long>(1), at);
            }
            if (contributions is not null)
            {
                if (contributions.Count == 0)
                {
                    (user.Ideas ??= []).Add(idea);
                }
                Coverage.InsertKeepingDayEnds(contributions, at);
                idea.Version++;
            }
            if (tieOwner is not null)
            {
                ties.Add(user, tieOwner, at);
            }
        });
        if (newInterestDay)
        {
            interests.AddDay(idea, user, DayTotals.DayOf(at));
        }
        if (at < HorizonStart)
        {
            ForgetLate(user, top, contributions, tieOwner);
        }
    }

    private void SetOwner(IdeaData idea, UserData owner)
    {
        var previous = idea.Owner;
        if (previous == owner)
        {
            return;
        }
        Change(idea.Contributors, ChangeScope.Everything, () =>
        {
            previous?.Owned!.Remove(idea);
            idea.Owner = owner;
            idea.Version++;
            (owner.Owned ??= []).Add(idea);
            foreach (var contributor in idea.Contributors)
            {
                if (previous is not null)
                {
                    ties.Rebuild(contributor, previous, HorizonStart);
                }
                ties.Rebuild(contributor, owner, HorizonStart);
            }
        });
    }

    private void SetGroups(UserData user, UserProfile profile)
    {
        var next = population.GroupsOf(profile);
        if (next.AsSpan().SequenceEqual(user.Groups))
        {
            return;
        }
        // The user's own counters move, and so do the ties of everyone who contributed to the user's ideas.
        var affected = new HashSet<UserData> { user };
        foreach (var owned in user.Owned ?? [])
        {
            affected.UnionWith(owned.Contributors);
        }
        Change([.. affected], ChangeScope.Everything, () => population.Move(user, next));
        foreach (var idea in user.Ideas ?? [])
        {
            idea.Version++; // the reach of the ideas the user contributed to counts their country
        }
    }

    /// <summary>Takes the users' presence out of the counters within the scope, changes, and puts it back.</summary>
    private void Change(IReadOnlyCollection<UserData> affected, ChangeScope scope, Action change)
    {
        foreach (var user in affected)
        {
            Emit(user, scope, -1);
        }
        change();
        foreach (var user in affected)
        {
            Emit(user, scope, +1);
        }
        pending.Apply();
    }

    private void Emit(UserData user, ChangeScope scope, int sign)
    {
        tiers.Emit(user, scope, sign, pending);
        funnel.Emit(user, scope, sign, pending);
        daily.Emit(user, scope, sign, pending);
        ties.Emit(user, scope, sign, pending);
    }
}
