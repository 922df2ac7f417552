namespace Collaboration.LoadGen;

/// <summary>
/// The outcome of <c>verify</c>. <see cref="Differences"/> is sorted and holds at most the first
/// <see cref="Verifier.MaxListed"/>; <see cref="DifferenceCount"/> counts them all.
/// </summary>
/// <param name="TieAnswers">The <c>/v1/stats/ties</c> answers compared, one per window and dimension.</param>
/// <param name="WindowedSkipped">Windowed user or idea reads not compared: an event near a window's edge, or the clock moved on.</param>
/// <param name="UpdatesUsers">Users whose updates were compared (a sample of those who follow something).</param>
/// <param name="PeopleIdeas">Ideas whose suggested people were compared.</param>
/// <param name="SuggestedUsers">Users whose suggested ideas were compared.</param>
public sealed record VerifyReport(
    int Users, int Ideas, int TieAnswers, bool WindowsCompared, long WindowedSkipped, long DifferenceCount, IReadOnlyList<string> Differences,
    int UpdatesUsers = 0, int PeopleIdeas = 0, int SuggestedUsers = 0)
{
    public override string ToString() =>
        $"compared {Users:N0} users and {Ideas:N0} ideas ({(WindowsCompared ? $"all windows, {WindowedSkipped:N0} windowed reads left out near a window edge" : "window=all only")}), " +
        $"{TieAnswers:N0} tie answers (all windows), the updates of {UpdatesUsers:N0} users, " +
        $"the people suggested for {PeopleIdeas:N0} ideas and the ideas suggested to {SuggestedUsers:N0} users: {DifferenceCount:N0} differences";
}
