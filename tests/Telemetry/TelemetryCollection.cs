namespace Collaboration.Tests.Telemetry;

/// <summary>
/// OpenTelemetry listens to a meter or activity source by name across the whole process, so these tests run alone
/// (after the parallel ones) and compare a scrape before and after their own workload.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
