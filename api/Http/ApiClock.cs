using Collaboration.Analytics;

namespace Collaboration.Api.Http;

/// <summary>
/// The time the API validates timestamps against and ends read windows at, and with it how far back a dashboard may
/// look (<see cref="AnalyticsOptions.HorizonDays"/>). Its own type so that tests can move the service's notion of
/// "now" without touching the TimeProvider Orleans itself runs on.
/// </summary>
public sealed class ApiClock(TimeProvider time, int horizonDays)
{
    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>Days of activity the read model keeps; 0 for all.</summary>
    public int HorizonDays => horizonDays;

    /// <summary>The first UTC day a dashboard may read (<see cref="ReadHorizon.FirstDay"/>).</summary>
    public int FirstDay => ReadHorizon.FirstDay(horizonDays, UtcNow);

    /// <summary>The start of <see cref="FirstDay"/>: the earliest end of a daily series.</summary>
    public DateTimeOffset FirstDayStart => horizonDays == 0 ? DateTimeOffset.MinValue : ReadHorizon.DayStart(FirstDay);

    /// <summary>The earliest end of a windowed dashboard answer.</summary>
    public DateTimeOffset EarliestEnd => ReadHorizon.EarliestEnd(FirstDay);
}
