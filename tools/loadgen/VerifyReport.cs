namespace Collaboration.LoadGen;

/// <summary>
/// The outcome of <c>verify</c>. <see cref="Differences"/> is sorted and holds at most the first
/// <see cref="Verifier.MaxListed"/>; <see cref="DifferenceCount"/> counts them all.
/// </summary>
public sealed record VerifyReport(int Users, int Ideas, bool WindowsCompared, long DifferenceCount, IReadOnlyList<string> Differences)
{
    public override string ToString() =>
        $"compared {Users:N0} users ({(WindowsCompared ? "all windows" : "window=all only")}) and {Ideas:N0} ideas: {DifferenceCount:N0} differences";
}
