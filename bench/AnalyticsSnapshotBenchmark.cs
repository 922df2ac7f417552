using System.Diagnostics;
using System.Text.Json;
using Collaboration.Analytics;
using Collaboration.Api.Directory;
using Collaboration.Api.Validation;
using Collaboration.Events;
using Collaboration.Journal;
using Collaboration.Reads;
using Collaboration.Users;

namespace Collaboration.Bench;

/// <summary>
/// Benchmark 8: the analytics model's snapshot body for the whole company, in process. The user streams are built as
/// the service stores them (each directory row a profile event, then each distinct interaction in the acting user's
/// stream) and folded into a fresh model: that is the replay a snapshot saves. Then the body is written to memory and
/// read back; the restored model must write the same bytes and answer as the original.
/// </summary>
public sealed class AnalyticsSnapshotBenchmark(Settings settings)
{
    public Series Replay { get; } = new("ms");

    public Series Write { get; } = new("ms");

    public Series Read { get; } = new("ms");

    public long Bytes { get; private set; }

    /// <summary>The stored form's encoding: the body written through deflate, parts cut, checksum taken.</summary>
    public Series Stored { get; } = new("ms");

    public long StoredBytes { get; private set; }

    /// <summary>The managed heap the model holds after a forced full collection.</summary>
    public long ModelHeap { get; private set; }

    public long Events { get; private set; }

    public void Run()
    {
        var streams = UserStreams(settings.CompanyDirectory);
        Events = streams.Count;
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var clock = Stopwatch.StartNew();
            var model = new AnalyticsModel();
            foreach (var (userId, streamEvent) in streams)
            {
                model.Apply(userId, streamEvent);
            }
            var replay = clock.Elapsed.TotalMilliseconds;
            Replay.Add(replay);
            ModelHeap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

            // What the service stores: the body deflated as it is written, in parts with a checksum.
            clock.Restart();
            StoredBytes = ReadModelSnapshotFormat.Encode(FeedCursor.Start, model.EventsApplied, model.WriteTo).StoredBytes;
            Stored.Add(clock.Elapsed.TotalMilliseconds);

            var body = new MemoryStream();
            clock.Restart();
            model.WriteTo(body);
            var write = clock.Elapsed.TotalMilliseconds;
            Write.Add(write);
            Bytes = body.Length;

            body.Position = 0;
            clock.Restart();
            var restored = AnalyticsModel.ReadFrom(body);
            var read = clock.Elapsed.TotalMilliseconds;
            Read.Add(read);

            var again = new MemoryStream();
            restored.WriteTo(again);
            if (!again.GetBuffer().AsSpan(0, (int)again.Length).SequenceEqual(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                throw new InvalidOperationException("the restored model wrote other bytes");
            }
            // One end for both: a few seconds apart, a window boundary moves over events of a company dated that far back.
            var end = DateTimeOffset.UtcNow;
            if (Answers(model, end) != Answers(restored, end))
            {
                throw new InvalidOperationException("the restored model answers otherwise");
            }
            Console.WriteLine($"  round {round}: replay {replay:N0} ms, body {Bytes / 1024.0 / 1024.0:N1} MiB written in {write:N0} ms, read in {read:N0} ms");
        }
    }

    private static string Answers(AnalyticsModel model, DateTimeOffset end)
    {
        var participation = model.Participation(ReadWindow.Days28, end, Dimension.Country);
        var ties = model.Ties(ReadWindow.Days90, end, Dimension.Department);
        return JsonSerializer.Serialize(new object[]
        {
            participation.Total, participation.Groups!, ties, ties.Groups, model.Daily(30, end), model.TopIdeas(ReadWindow.Days28, end, IdeaRanking.Reach, 10),
        });
    }

    /// <summary>The company's user streams as the service stores them: each directory row a profile event, then each distinct interaction.</summary>
    public static List<(string UserId, IStreamEvent Event)> UserStreams(string companyDirectory)
    {
        var streams = new List<(string, IStreamEvent)>();
        var records = CsvRecords.Read(File.ReadAllBytes(Path.Combine(companyDirectory, "directory.csv"))).Skip(1);
        foreach (var record in records)
        {
            if (record.Fields is [var userId, .. var values] && ProfileParser.TryCreate(values, out var patch) is null)
            {
                streams.Add((userId, new ProfileUpdated($"profile-{userId}", patch!.ApplyTo(null), DateTimeOffset.UnixEpoch)));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow.AddYears(1);
        foreach (var line in File.ReadLines(Path.Combine(companyDirectory, "events.ndjson")))
        {
            using var json = JsonDocument.Parse(line);
            // A line sent twice is stored once, as the service does with a repeated event id.
            if (EventParser.TryParse(json.RootElement, now, out var interaction) is null && seen.Add(interaction!.EventId))
            {
                streams.Add((interaction.UserId, interaction));
            }
        }
        return streams;
    }

    public void Report(Report report)
    {
        report.Section("Analytics snapshot body versus replay (benchmark 8)");
        report.Line($"In process, one thread: the company's {Events:N0} user-stream events folded into a fresh `AnalyticsModel` (no journal reads, no decoding: the fold alone), then `WriteTo` a MemoryStream and `ReadFrom` it; {settings.Rounds} round(s). The stored form is timed apart: the body deflated as it is written, cut into parts and hashed (the database writes not included). Model heap: the managed heap after a forced full collection with the model, minus before it.");
        report.Table(["measure", "min / median / max"],
        [
            ["replay (fold every event)", Replay.Spread()],
            ["write the body", Write.Spread()],
            ["read the body", Read.Spread()],
            ["body size", $"{Bytes / 1024.0 / 1024.0:N1} MiB ({Bytes:N0} bytes)"],
            ["encode the stored form (deflate, parts, SHA-256)", Stored.Spread()],
            ["stored size", $"{StoredBytes / 1024.0 / 1024.0:N1} MiB"],
            ["model's managed heap", $"{ModelHeap / 1024.0 / 1024.0:N0} MiB"],
        ]);
    }
}
