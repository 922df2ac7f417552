namespace Collaboration.Analytics;

/// <summary>
/// The model's memory follows the horizon (<see cref="ReadHorizon"/>), not the history. Of the instants before the
/// horizon's first day each list keeps only its earliest (the all-time window's), views become a count, and the
/// counters keep the marks of days no answer reads only as sums. The days are chosen so that no forgotten instant has
/// a mark on a day a counter still keeps: a forgotten instant's runs end within one bounded window (the tiers, the
/// ties), or two (the funnel), after it. So taking a user's marks out and putting them back (a group move, a new
/// owner, a late event) stays exact whichever instants the user had when the marks went in, and the state is still a
/// function of the events and the horizon: a late event older than the horizon changes totals and first instants only.
/// </summary>
internal sealed partial class AnalyticsModel
{
    private static readonly int LongestDays = (int)(ModelWindows.LongestBounded / TimeSpan.TicksPerDay);

    /// <summary>The first UTC day kept in full; <see cref="int.MinValue"/> while the model keeps everything.</summary>
    public int HorizonDay { get; private set; } = int.MinValue;

    /// <summary>Instants before this are forgotten, except each list's earliest.</summary>
    private long HorizonStart => HorizonDay == int.MinValue ? long.MinValue : HorizonDay * TimeSpan.TicksPerDay;

    /// <summary>Moves the horizon on to <paramref name="firstDay"/> and forgets what no answer after it reads.</summary>
    public void Forget(int firstDay)
    {
        if (firstDay <= HorizonDay)
        {
            return;
        }
        HorizonDay = firstDay;
        foreach (var user in population.Users)
        {
            foreach (var instants in user.Levels)
            {
                if (instants is not null)
                {
                    Coverage.ForgetBefore(instants, HorizonStart);
                }
            }
        }
        ideas.ForgetBefore(HorizonStart);
        ties.Forget(HorizonStart, firstDay + LongestDays);
        tiers.Forget(firstDay + LongestDays);
        funnel.Forget(firstDay + 2 * LongestDays);
        daily.Forget(firstDay);
        interests.Forget(firstDay);
    }

    /// <summary>After a change for an event before the horizon: forgets the instant it added, keeping the lists as <see cref="Forget"/> leaves them.</summary>
    private void ForgetLate(UserData user, int topLevel, List<long>? contributions, UserData? tieOwner)
    {
        for (var level = PresenceLevels.First; level <= topLevel; level++)
        {
            Coverage.ForgetBefore(user.Levels[level]!, HorizonStart);
        }
        if (contributions is not null)
        {
            Coverage.ForgetBefore(contributions, HorizonStart);
        }
        if (tieOwner is not null)
        {
            ties.ForgetBefore(user, tieOwner, HorizonStart);
        }
    }

    /// <summary>Refuses an answer that would read activity the model no longer keeps (the api checks first).</summary>
    private void CheckEnd(DateTimeOffset end)
    {
        if (end < ReadHorizon.EarliestEnd(HorizonDay))
        {
            throw new ArgumentOutOfRangeException(nameof(end), end,
                $"The read model keeps activity from {ReadHorizon.DayStart(HorizonDay):yyyy-MM-dd} on; an answer must end at or after {ReadHorizon.EarliestEnd(HorizonDay):O}.");
        }
    }

    private void CheckDays(int days, DateTimeOffset end)
    {
        if (HorizonDay != int.MinValue && DayTotals.DayOf(end.UtcTicks) - days + 1 < HorizonDay)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days,
                $"The read model keeps activity from {ReadHorizon.DayStart(HorizonDay):yyyy-MM-dd} on; a daily series must not start before it.");
        }
    }
}
