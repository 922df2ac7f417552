namespace Collaboration.Bench;

/// <summary>What to run, parsed from the command line.</summary>
public sealed class Settings
{
    public int Employees { get; init; } = 120_000;

    public int Days { get; init; } = 30;

    public int Rounds { get; init; } = 2;

    public int IdleReads { get; init; } = 300;

    /// <summary>How long benchmark 11 (the soak) posts.</summary>
    public int SoakMinutes { get; init; } = 30;

    /// <summary>Events per step of benchmark 10 (history), and per second of benchmark 11 (the soak).</summary>
    public int HistoryEvents { get; init; } = 1_000_000;

    /// <summary>Users of benchmark 10 (history).</summary>
    public int HistoryUsers { get; init; } = 10_000;

    public int SoakRate { get; init; } = 3_000;

    public required string WorkDirectory { get; init; }

    public required string ReportPath { get; init; }

    public required string LoadGenAssembly { get; init; }

    public required string CommandLine { get; init; }

    public string CompanyDirectory => Path.Combine(WorkDirectory, $"company-{Employees}-{Days}d");

    public long Events { get; set; }
}
