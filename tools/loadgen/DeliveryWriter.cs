using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Collaboration.LoadGen;

/// <summary>
/// Writes events as NDJSON lines the way an imperfect pipeline delivers them: ids follow time order, but a share of
/// events arrives late (out of order) and a share arrives a second time, byte for byte the same, some lines later.
/// Only the delayed lines are held in memory.
/// </summary>
public sealed class DeliveryWriter : IDisposable
{
    private readonly Stream output;
    private readonly Company company;
    private readonly IdeaBoard board;
    private readonly DateTimeOffset start;
    private readonly double duplicates;
    private readonly double outOfOrder;
    private readonly int spread;
    private readonly string idPrefix;
    // Its own random source, so changing --duplicates or --out-of-order leaves the events themselves as they were.
    private readonly Random random;
    private readonly ArrayBufferWriter<byte> buffer = new(512);
    private readonly Utf8JsonWriter json;
    private readonly PriorityQueue<byte[], long> delayed = new();
    private long sequence;

    public DeliveryWriter(string path, GenerateOptions options, Company company, IdeaBoard board, long estimatedEvents)
    {
        output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        this.company = company;
        this.board = board;
        start = options.Now.AddDays(-options.Days);
        duplicates = options.Duplicates;
        outOfOrder = options.OutOfOrder;
        // Late lines land up to about two days' worth of events later, so some cross a day (and window) boundary.
        spread = (int)Math.Clamp(estimatedEvents * 2 / options.Days, 100, 1_000_000);
        idPrefix = $"e{options.Seed}-";
        random = new Random(unchecked(options.Seed * 31 + 7));
        json = new Utf8JsonWriter(buffer);
    }

    /// <summary>Lines written so far, duplicates included.</summary>
    public long Lines { get; private set; }

    /// <summary>Distinct events written so far.</summary>
    public long Events => sequence;

    public void Write(PlannedEvent e)
    {
        var line = Serialize(e, idPrefix + (++sequence).ToString("D9", CultureInfo.InvariantCulture));
        if (random.NextDouble() < duplicates)
        {
            delayed.Enqueue(line, Lines + random.Next(1, spread));
        }
        if (random.NextDouble() < outOfOrder)
        {
            delayed.Enqueue(line, Lines + random.Next(1, spread));
        }
        else
        {
            WriteLine(line);
        }
        while (delayed.TryPeek(out var late, out var due) && due <= Lines)
        {
            delayed.Dequeue();
            WriteLine(late);
        }
    }

    /// <summary>Writes the lines still held back and closes the file.</summary>
    public void Dispose()
    {
        while (delayed.TryDequeue(out var late, out _))
        {
            WriteLine(late);
        }
        json.Dispose();
        output.Dispose();
    }

    private void WriteLine(byte[] line)
    {
        output.Write(line);
        output.WriteByte((byte)'\n');
        Lines++;
    }

    private byte[] Serialize(PlannedEvent e, string eventId)
    {
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("eventId", eventId);
        json.WriteString("type", e.Type.Name());
        json.WriteString("userId", company.Employees[e.User].UserId);
        json.WriteString("ideaId", board.IdeaIds[e.Idea]);
        if (e.Thread >= 0)
        {
            json.WriteString("threadId", board.ThreadId(e.Thread));
        }
        Span<char> time = stackalloc char[32];
        var at = new DateTime(start.UtcTicks + e.Millisecond * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        at.TryFormat(time, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        json.WriteString("occurredAt", time[..length]);
        if (e.Type == EventType.Create && e.Thread < 0)
        {
            json.WriteString("title", board.Titles[e.Idea]);
            json.WriteStartArray("tags");
            foreach (var tag in board.Tags[e.Idea])
            {
                json.WriteStringValue(tag);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
