namespace Collaboration.Analytics;

/// <summary>
/// Daily activity: per UTC day and presence level, each active user's first instant, so the last day of an answer
/// can stop at its end.
/// </summary>
internal sealed class DailyTiers
{
    private DailyFirstInstants firsts = new(PresenceLevels.Slots);

    /// <summary>A new event only moves the firsts of its own day, and only at the levels it reaches.</summary>
    public void Emit(UserData user, ChangeScope scope, int sign, PendingMarks pending)
    {
        if (user.Levels[PresenceLevels.First] is not { } any)
        {
            return;
        }
        var lastDay = scope.IsEverything ? int.MaxValue : DayTotals.DayOf(scope.From);
        var i = scope.IsEverything ? 0 : Coverage.LowerBound(any, DayStart(lastDay));
        while (i < any.Count && DayTotals.DayOf(any[i]) <= lastDay)
        {
            var dayStart = DayStart(DayTotals.DayOf(any[i]));
            var nextDay = dayStart + TimeSpan.TicksPerDay;
            for (var level = PresenceLevels.First; level <= scope.TopLevel; level++)
            {
                if (user.Levels[level] is { } instants && Coverage.LowerBound(instants, dayStart) is var j
                    && j < instants.Count && instants[j] < nextDay)
                {
                    pending.First(firsts, level, instants[j], sign);
                }
            }
            i = Coverage.LowerBound(any, nextDay);
        }
    }

    /// <summary>Drops the days before <paramref name="floorDay"/> (see <see cref="DailyFirstInstants.Forget"/>).</summary>
    public void Forget(int floorDay) => firsts.Forget(floorDay);

    /// <summary>Whole UTC days, except the last one, which counts only up to <paramref name="end"/>.</summary>
    public DayTierCounts[] Daily(int days, DateTimeOffset end)
    {
        var at = end.UtcTicks;
        var last = DayTotals.DayOf(at);
        var result = new DayTierCounts[days];
        var present = new long[PresenceLevels.Slots];
        for (var i = 0; i < days; i++)
        {
            var day = last - days + 1 + i;
            var through = day == last ? at : DayStart(day + 1) - 1;
            for (var level = PresenceLevels.First; level <= PresenceLevels.Last; level++)
            {
                present[level] = firsts.CountThrough(day, level, through);
            }
            result[i] = new DayTierCounts(DateOnly.FromDayNumber(day), PresenceLevels.Tier(present, PresenceLevels.Creator),
                PresenceLevels.Tier(present, PresenceLevels.Editor), PresenceLevels.Tier(present, PresenceLevels.Audience));
        }
        return result;
    }

    private static long DayStart(int day) => day * TimeSpan.TicksPerDay;

    public void WriteTo(ModelWriter writer) => firsts.WriteTo(writer);

    public static DailyTiers ReadFrom(ModelReader reader) => new() { firsts = DailyFirstInstants.ReadFrom(reader, PresenceLevels.Slots) };
}
