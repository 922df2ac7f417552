using System.IO.Compression;
using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Events;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Tests.Analytics;

/// <summary>
/// <see cref="AnalyticsModel.WriteTo"/> and <see cref="AnalyticsModel.ReadFrom"/> on the random histories of
/// <see cref="AnalyticsModelTests"/> (whose brute-force oracle checks the model itself): a restored model answers every
/// query as the original does, before and after both fold more events, and damaged bodies fail cleanly.
/// </summary>
public class AnalyticsModelSnapshotTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_restored_model_answers_as_the_original_before_and_after_more_events(int seed)
    {
        var random = new Random(seed);
        var history = AnalyticsModelTests.RandomHistory(random, events: 600);
        var original = Fold(history);
        var bytes = Write(original);
        var restored = AnalyticsModel.ReadFrom(new MemoryStream(bytes));

        Assert.Equal(bytes, Write(restored));
        Assert.Equal(original.EventsApplied, restored.EventsApplied);
        var instants = Instants(history);
        var queries = new Random(seed * 31);
        Assert.Equal(Answers(original, instants, new Random(seed)), Answers(restored, instants, new Random(seed)));

        // More of the same users and ideas, dated anywhere in the period: late events, group moves, new owners.
        var later = AnalyticsModelTests.RandomHistory(queries, events: 300).Select(h => (h.UserId, Renamed(h.Event))).ToList();
        foreach (var (userId, streamEvent) in later)
        {
            original.Apply(userId, streamEvent);
            restored.Apply(userId, streamEvent);
        }
        instants.AddRange(Instants(later));
        Assert.Equal(Answers(original, instants, new Random(seed)), Answers(restored, instants, new Random(seed)));
        // Kept in step while answering (interest per day is worked out once for the latest day asked), the model still
        // answers as one that folded everything before its first answer.
        Assert.Equal(Answers(Fold(history.Concat(later)), instants, new Random(seed)), Answers(original, instants, new Random(seed)));
        Assert.Equal(Write(original), Write(restored));
    }

    [Fact]
    public void An_empty_model_round_trips()
    {
        var bytes = Write(new AnalyticsModel());
        var restored = AnalyticsModel.ReadFrom(new MemoryStream(bytes));
        Assert.Equal(bytes, Write(restored));
        Assert.Equal(0, restored.Participation(ReadWindow.All, DateTimeOffset.UnixEpoch, Dimension.Country).Total.Users);
    }

    [Fact]
    public void Reading_stops_at_the_end_of_the_body()
    {
        var bytes = Write(Fold(AnalyticsModelTests.RandomHistory(new Random(7), events: 200)));
        var stream = new MemoryStream([.. bytes, 1, 2, 3, 4]);
        AnalyticsModel.ReadFrom(stream);
        Assert.Equal(bytes.Length, stream.Position);
    }

    [Fact]
    public void A_truncated_body_is_invalid_data()
    {
        var bytes = Write(Fold(AnalyticsModelTests.RandomHistory(new Random(8), events: 600)));
        var random = new Random(8);
        var cuts = Enumerable.Range(0, 300).Concat(Enumerable.Range(bytes.Length - 300, 300))
            .Concat(Enumerable.Range(0, 500).Select(_ => random.Next(bytes.Length)));
        foreach (var cut in cuts)
        {
            Assert.Throws<InvalidDataException>(() => AnalyticsModel.ReadFrom(new MemoryStream(bytes, 0, cut)));
            Assert.Throws<InvalidDataException>(() => AnalyticsModel.ReadFrom(Unseekable(bytes[..cut])));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AnalyticsModel.FormatVersion + 1)]
    [InlineData(int.MaxValue)]
    public void A_body_of_another_format_version_is_invalid_data(int version)
    {
        var bytes = Write(Fold(AnalyticsModelTests.RandomHistory(new Random(9), events: 100)));
        BitConverter.TryWriteBytes(bytes.AsSpan(0, sizeof(int)), version);
        var error = Assert.Throws<InvalidDataException>(() => AnalyticsModel.ReadFrom(new MemoryStream(bytes)));
        Assert.Contains($"format {version}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_after_a_valid_version_are_invalid_data()
    {
        var random = new Random(10);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 4_000)];
            random.NextBytes(bytes);
            if (bytes.Length >= sizeof(int) && i % 2 == 0)
            {
                BitConverter.TryWriteBytes(bytes, AnalyticsModel.FormatVersion);
            }
            Assert.Throws<InvalidDataException>(() => AnalyticsModel.ReadFrom(new MemoryStream(bytes)));
            Assert.Throws<InvalidDataException>(() => AnalyticsModel.ReadFrom(Unseekable(bytes)));
        }
    }

    /// <summary>A flipped bit may land in a number and still parse (the lead's envelope has the checksum); it must never fail otherwise.</summary>
    [Fact]
    public void Flipped_bits_either_parse_or_are_invalid_data()
    {
        var original = Write(Fold(AnalyticsModelTests.RandomHistory(new Random(11), events: 600)));
        var random = new Random(11);
        var failures = 0;
        for (var i = 0; i < 1_000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                var at = random.Next(bytes.Length);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }
            var error = Record.Exception(() => AnalyticsModel.ReadFrom(i % 2 == 0 ? new MemoryStream(bytes) : Unseekable(bytes)));
            if (error is not null)
            {
                Assert.IsType<InvalidDataException>(error);
                failures++;
            }
        }
        Assert.True(failures > 0, "no damaged body was noticed at all");
    }

    private static AnalyticsModel Fold(IEnumerable<(string UserId, IStreamEvent Event)> history)
    {
        var model = new AnalyticsModel();
        foreach (var (userId, streamEvent) in history)
        {
            model.Apply(userId, streamEvent);
        }
        return model;
    }

    private static byte[] Write(AnalyticsModel model)
    {
        var stream = new MemoryStream();
        model.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>The body behind a decompressing stream: one that cannot tell its length or seek, as an envelope may hand over.</summary>
    private static Stream Unseekable(byte[] bytes)
    {
        var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        packed.Position = 0;
        return new GZipStream(packed, CompressionMode.Decompress);
    }

    private static IStreamEvent Renamed(IStreamEvent streamEvent) => streamEvent switch
    {
        Interaction interaction => interaction with { EventId = "later-" + interaction.EventId },
        ProfileUpdated updated => updated with { EventId = "later-" + updated.EventId },
        _ => streamEvent,
    };

    private static List<DateTimeOffset> Instants(IEnumerable<(string UserId, IStreamEvent Event)> history) =>
        [.. history.Select(h => h.Event).OfType<Interaction>().Select(i => i.OccurredAt)];

    /// <summary>Every query, for every window and dimension, at several ends; each answer as JSON, named by its query.</summary>
    private static List<string> Answers(AnalyticsModel model, List<DateTimeOffset> instants, Random random)
    {
        var answers = new List<string>();
        void Add(string query, object? answer) => answers.Add(query + " = " + JsonSerializer.Serialize(answer));
        var users = Enumerable.Range(0, 26).Select(u => $"u{u}").ToList();
        var ideas = Enumerable.Range(0, 7).Select(i => $"i{i}").ToList();
        foreach (var window in AnalyticsModelTests.Windows)
        {
            for (var e = 0; e < 8; e++)
            {
                var end = AnalyticsModelTests.QueryEnd(random, instants, window);
                var at = $"{window.Name} {end:O}";
                Add($"participation {at}", model.Participation(window, end, null));
                for (var d = 0; d < Dimensions.Count; d++)
                {
                    var participation = model.Participation(window, end, (Dimension)d);
                    Add($"participation {at} by {d}", (participation.Total, participation.Groups));
                    var ties = model.Ties(window, end, (Dimension)d);
                    Add($"ties {at} by {d}", (ties, ties.Groups));
                }
                if (window.Length is not null)
                {
                    Add($"funnel {at}", model.Funnel(window, end));
                }
                foreach (var idea in ideas)
                {
                    Add($"reach {idea} {at}", model.Reach(idea, window, end));
                }
                foreach (var ranking in Enum.GetValues<IdeaRanking>())
                {
                    Add($"top {ranking} {at}", model.TopIdeas(window, end, ranking, 3));
                    Add($"all {ranking} {at}", model.TopIdeas(window, end, ranking, 100));
                }
                foreach (var user in users)
                {
                    Add($"breadth {user} {at}", model.Breadth(user, window, end));
                    Add($"ideas for {user} {at}", model.SuggestIdeas(user, 100, end, new CriticalMass(3, 2)));
                }
                foreach (var idea in ideas)
                {
                    Add($"people for {idea} {at}", model.SuggestPeople(idea, Dimension.Country, 100, end));
                }
            }
        }
        for (var q = 0; q < 20; q++)
        {
            var end = AnalyticsModelTests.DailyEnd(random, instants);
            var days = random.Next(1, 220);
            Add($"daily {days} {end:O}", model.Daily(days, end));
        }
        return answers;
    }
}
