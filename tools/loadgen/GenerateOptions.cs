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

    public static GenerateOptions Parse(Arguments args)
    {
        var options = new GenerateOptions
        {
            Out = args.Required("out"),
            Employees = args.Int("employees", 120_000, 1, 10_000_000),
            Ideas = args.Int("ideas", 10_000, 1, 1_000_000),
            Days = args.Int("days", 90, 1, 3650),
            Mix = args.Text("mix") is { } mix ? ParticipationMix.Parse(mix) : ParticipationMix.Default,
            CrossShare = args.Fraction("cross-share", 0.3),
            Duplicates = args.Fraction("duplicates", 0.02),
            OutOfOrder = args.Fraction("out-of-order", 0.1),
            PopularFollowers = args.Int("popular-followers", 100_000, 1, int.MaxValue),
            Seed = args.Int("seed", 1, 0, int.MaxValue),
            // Without --now the period ends at the current minute, so the events can be posted at once.
            Now = args.Instant("now") ?? TruncateToMinute(DateTimeOffset.UtcNow),
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (PopularFollowers > Employees)
        {
            throw new UsageException($"--popular-followers ({PopularFollowers}) must not exceed --employees ({Employees})");
        }
        if (Mix.Split(Employees).Creators == 0)
        {
            throw new UsageException($"--mix {Mix} leaves no creator to create the ideas");
        }
        if (Now.Year < 2001)
        {
            throw new UsageException("--now must be after 2001 (the service rejects events before 2000)");
        }
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
