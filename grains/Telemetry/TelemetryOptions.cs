namespace Collaboration.Telemetry;

/// <summary>The "Telemetry" configuration section. OTLP export is switched on by the standard OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve the Prometheus scrape endpoint (<see cref="CollaborationTelemetry.MetricsPath"/>).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Write console logs as JSON lines, with scopes (request id, trace id, event id).</summary>
    public bool JsonLogs { get; set; }
}
