namespace Collaboration.Tests.Hostile;

/// <summary>
/// What the contract says about one generated event or line: accepted, refused naming <see cref="Field"/>, or either
/// (a random mutation whose effect the generator does not know). The universal properties hold in every case.
/// </summary>
public sealed record Expect(bool? Accepted, string? Field = null)
{
    public static readonly Expect Accept = new(true);

    public static readonly Expect Either = new((bool?)null);

    public static Expect Reject(string field) => new(false, field);

    public override string ToString() => Accepted switch
    {
        true => "accept",
        false => $"reject {Field}",
        null => Field is null ? "either" : $"either, naming {Field} if refused",
    };
}
