namespace Collaboration.Reads;

/// <summary>A rolling window (end - Length, end]; a null length means all time.</summary>
[GenerateSerializer, Immutable]
public sealed record ReadWindow([property: Id(0)] string Name, [property: Id(1)] TimeSpan? Length)
{
    public static readonly ReadWindow Days7 = new("7d", TimeSpan.FromDays(7));
    public static readonly ReadWindow Days28 = new("28d", TimeSpan.FromDays(28));
    public static readonly ReadWindow Days90 = new("90d", TimeSpan.FromDays(90));
    public static readonly ReadWindow All = new("all", null);

    /// <summary>Every window an answer can be asked for: the bounded ones from shortest to longest, then all time.</summary>
    public static readonly IReadOnlyList<ReadWindow> Known = [Days7, Days28, Days90, All];

    public static ReadWindow? Parse(string? name) => name switch
    {
        null or "" or "28d" => Days28,
        "7d" => Days7,
        "90d" => Days90,
        "all" => All,
        _ => null,
    };
}
