namespace Collaboration.Health;

/// <summary>Selects the checks of each endpoint: /health/live runs only <see cref="Live"/>, /health/ready only <see cref="Ready"/>.</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";

    public static readonly string[] LiveOnly = [Live];
    public static readonly string[] ReadyOnly = [Ready];
}
