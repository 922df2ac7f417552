namespace Collaboration.Analytics;

/// <summary>When an idea's reach counts as critical mass: at least this many contributors from at least this many countries.</summary>
internal sealed record CriticalMass(int Contributors, int Countries)
{
    public static CriticalMass Of(AnalyticsOptions options) => new(options.CriticalMassContributors, options.CriticalMassCountries);

    public bool IsReachedBy(int contributors, int countries) => contributors >= Contributors && countries >= Countries;
}
