namespace Collaboration.LoadGen;

/// <summary>What <c>generate</c> makes; the defaults describe the 120,000-employee company of the benchmarks.</summary>
public sealed record GenerateOptions
{
    public required string Out { get; init; }
    public int Employees { get; init; } = 120_000;
    public int Ideas { get; init; } = 10_000;
    public int Days { get; init; } = 90;
    public ParticipationMix Mix { get; init; } = ParticipationMix.Default;
    public double CrossShare { get; init; } = 0.3;
    public double Duplicates { get; init; } = 0.02;
    public double OutOfOrder { get; init; } = 0.1;
    public int PopularFollowers { get; init; } = 100_000;
    public int Seed { get; init; } = 1;

    /// <summary>The end of the generated period; every event is at or before it.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>What makes these options unusable together, or null.</summary>
    public string? Problem() =>
        PopularFollowers > Employees ? $"--popular-followers ({PopularFollowers}) must not exceed --employees ({Employees})"
        : Mix.Split(Employees).Creators == 0 ? $"--mix {Mix} leaves no creator to create the ideas"
        : Now.Year < 2001 ? "--now must be after 2001 (the service rejects events before 2000)"
        : null;

    public void Validate()
    {
        if (Problem() is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }
}
