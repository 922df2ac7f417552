namespace Collaboration.Analytics;

/// <summary>
/// How far back the read model keeps activity, and so which answers it can give (<see cref="AnalyticsOptions.HorizonDays"/>).
/// The model keeps every instant from the horizon's first day on, and of older ones only what the all-time window needs
/// (see <see cref="AnalyticsModel.Forget"/>). An answer reads its window and the funnel's previous one, at most
/// <see cref="AnswerDays"/> days back from its end, so its end must lie that far after the first day; a daily series
/// reads only its own days. The api checks requests by the same rule, with its own clock, which is never behind the
/// silo's horizon by more than the time since the silo last moved it.
/// </summary>
public static class ReadHorizon
{
    /// <summary>The longest window (90 days), the funnel's previous one (90 days more), and the day an answer ends in.</summary>
    public const int AnswerDays = 181;

    /// <summary>The first UTC day kept in full at <paramref name="now"/>; <see cref="int.MinValue"/> when the model keeps everything.</summary>
    public static int FirstDay(int horizonDays, DateTimeOffset now) =>
        horizonDays == 0 ? int.MinValue : (int)(now.UtcTicks / TimeSpan.TicksPerDay) - horizonDays;

    /// <summary>The earliest end of a windowed answer (participation, ties, funnel, reach, breadth).</summary>
    public static DateTimeOffset EarliestEnd(int firstDay) =>
        firstDay == int.MinValue ? DateTimeOffset.MinValue : DayStart(firstDay + AnswerDays);

    /// <summary>The start of a UTC day.</summary>
    public static DateTimeOffset DayStart(int day) => new(day * TimeSpan.TicksPerDay, TimeSpan.Zero);
}
