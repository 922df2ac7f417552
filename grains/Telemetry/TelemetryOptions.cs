namespace Collaboration.Telemetry;

/// <summary>The "Telemetry" configuration section. OTLP export is switched on by the standard OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve the Prometheus scrape endpoint (<see cref="CollaborationTelemetry.MetricsPath"/>).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Record spans. Null (the default) records them only when they go somewhere (OTEL_EXPORTER_OTLP_ENDPOINT is set):
    /// spans nobody exports cost every request, grain call and journal write their allocations for nothing.
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>Write console logs as JSON lines, with scopes (request id, trace id, event id).</summary>
    public bool JsonLogs { get; set; }
}
