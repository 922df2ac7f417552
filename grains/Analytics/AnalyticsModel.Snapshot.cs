namespace Collaboration.Analytics;

/// <summary>
/// The model's whole state as bytes, derived counters included, so that loading costs about as much as reading the
/// arrays (recounting them from the raw instants would be a replay). Each part writes and reads its own section;
/// object references become numbers (users by their tag, ideas by their order, ties by their tag), and lists of
/// instants go out as one count array and their items back to back. The same state always gives the same bytes:
/// days are written in order, and the lazy tails of the counters are merged first.
/// </summary>
internal sealed partial class AnalyticsModel
{
    /// <summary>
    /// The layout of the body; a body with another number is refused, never guessed at (the replica then folds the
    /// journal). 4: views per idea and day, where 3 kept every view's instant. 5: the users who opted out of suggestions, and the follow ledger.
    /// </summary>
    public const int FormatVersion = 5;

    /// <summary>Ends the body, so that a reader that went astray fails at the end rather than returning a wrong model.</summary>
    private const int EndMark = 0x0A4A11D0;

    /// <returns>The length of the body.</returns>
    public long WriteTo(Stream stream)
    {
        using var writer = new ModelWriter(stream);
        writer.Write(FormatVersion);
        writer.Write(EventsApplied);
        writer.Write(HorizonDay);
        population.WriteTo(writer);
        ideas.WriteTo(writer);
        ties.WriteTo(writer);
        tiers.WriteTo(writer);
        funnel.WriteTo(writer);
        daily.WriteTo(writer);
        follows.WriteTo(writer);
        writer.Write(EndMark);
        return writer.Length;
    }

    /// <summary>
    /// A model from <see cref="WriteTo"/>'s bytes, read no further than their end. Damaged or incompatible data fails
    /// with <see cref="InvalidDataException"/>; an I/O failure of the stream itself is passed on as it is.
    /// </summary>
    public static AnalyticsModel ReadFrom(Stream stream)
    {
        try
        {
            return Read(new ModelReader(stream));
        }
        catch (Exception ex) when (ex is not (InvalidDataException or OperationCanceledException) && (ex is EndOfStreamException || ex is not IOException))
        {
            throw new InvalidDataException($"The analytics snapshot is damaged: {ex.Message}", ex);
        }
    }

    private static AnalyticsModel Read(ModelReader reader)
    {
        var version = reader.ReadInt();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"The analytics snapshot has format {version}; this build reads format {FormatVersion} only.");
        }
        var eventsApplied = reader.ReadLong();
        var horizonDay = reader.ReadInt();
        var population = Population.ReadFrom(reader);
        var ideas = IdeaReachIndex.ReadFrom(reader, population);
        var ties = ContributionTies.ReadFrom(reader, population);
        var tiers = ParticipationTiers.ReadFrom(reader, population);
        var funnel = TierFunnel.ReadFrom(reader, population, tiers);
        var daily = DailyTiers.ReadFrom(reader);
        var follows = FollowLedger.ReadFrom(reader, population, ideas.InOrder);
        reader.Expect(EndMark, "end of the analytics snapshot");
        var model = new AnalyticsModel(population, ideas, ties, tiers, funnel, daily, follows) { EventsApplied = eventsApplied, HorizonDay = horizonDay };
        model.interests = model.BuildInterestIndex();
        return model;
    }
}
