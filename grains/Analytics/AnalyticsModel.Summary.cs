using Collaboration.EventSourcing;
using Collaboration.Reads;

namespace Collaboration.Analytics;

internal sealed partial class AnalyticsModel
{
    private static readonly ReadWindow[] SummaryWindows = [ReadWindow.Days7, ReadWindow.Days28, ReadWindow.Days90, ReadWindow.All];

    /// <summary>
    /// Answers that tell whether two models hold the same fold: sizes, and per window the tiers and the ties ending at
    /// <paramref name="end"/>. Two folds of the same events give the same values.
    /// </summary>
    public IEnumerable<(string Name, string Value)> Summarize(DateTimeOffset end)
    {
        yield return ("eventsApplied", Summaries.Of(EventsApplied));
        yield return ("users", Summaries.Of(population.Count));
        yield return ("ideas", Summaries.Of(ideas.Count));
        foreach (var window in SummaryWindows)
        {
            var tiers = Participation(window, end, null).Total;
            yield return ($"participation.{window.Name}.creators", Summaries.Of(tiers.Creators));
            yield return ($"participation.{window.Name}.editors", Summaries.Of(tiers.Editors));
            yield return ($"participation.{window.Name}.audience", Summaries.Of(tiers.Audience));
            var ties = Ties(window, end, Dimension.Country);
            yield return ($"ties.{window.Name}.tiedUsers", Summaries.Of(ties.TiedUsers));
            yield return ($"ties.{window.Name}.countryExternal", Summaries.Of(ties.External));
            yield return ($"ties.{window.Name}.countryInternal", Summaries.Of(ties.Internal));
        }
    }
}
