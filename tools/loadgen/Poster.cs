using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CsvHelper;

namespace Collaboration.LoadGen;

/// <summary>
/// The <c>post</c> command: imports directory.csv in chunks, then sends events.ndjson in batches from a reader to
/// <see cref="PostOptions.Concurrency"/> senders. Event lines are copied into the batch body as they are, so what
/// the service receives is exactly what the expected answers were folded from.
/// </summary>
public sealed class Poster(HttpClient client, PostOptions options, ProgressLine? progress = null)
{
    private const int MaxBatchBytes = 1_000_000;
    private const int MaxProblems = 20;

    private readonly ConcurrentQueue<string> problems = new();
    private long sent, accepted, duplicates, rejected, failed, retries;

    public async Task<PostSummary> RunAsync(CancellationToken cancel = default)
    {
        var files = new GeneratedFiles(options.In);
        var post = new RetryingPost(client, options.MaxAttempts, () => Interlocked.Increment(ref retries));
        var importClock = Stopwatch.StartNew();
        var (imported, importRejected) = options.ImportDirectory ? await ImportAsync(post, files.Directory, cancel) : (0, 0);
        var importElapsed = importClock.Elapsed;

        var total = CountLines(files.Events);
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var showing = progress?.RunAsync(() => Describe(total, clock.Elapsed), stopProgress.Token) ?? Task.CompletedTask;

        var batches = Channel.CreateBounded<List<string>>(options.Concurrency * 2);
        var senders = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancel))
            {
                await SendAsync(post, batch, cancel);
            }
        }, cancel)).ToArray();
        try
        {
            await ReadBatchesAsync(files.Events, batches.Writer, cancel);
        }
        finally
        {
            batches.Writer.TryComplete();
            await Task.WhenAll(senders);
            await stopProgress.CancelAsync();
            await showing;
        }
        progress?.Show(Describe(total, clock.Elapsed));
        progress?.Finish();
        return new PostSummary(sent, accepted, duplicates, rejected, failed, retries, clock.Elapsed, imported, importRejected, importElapsed, problems.ToArray());
    }

    private async Task<(int Imported, int Rejected)> ImportAsync(RetryingPost post, string path, CancellationToken cancel)
    {
        var (imported, rejectedRows) = (0, 0);
        // Records, not lines, go into the chunks: a quoted field may hold a line break. Each chunk repeats the header.
        using var reader = CsvReader.FromFile(path, DirectoryCsv.ReadOptions with { TrackLineNumbers = true });
        var header = reader.Headers.Count > 0 ? reader.Headers.ToArray() : throw new InvalidDataException($"{path} is empty");
        while (true)
        {
            // The file's line of each record, by the line it starts on in the chunk (the service counts the header as line 1).
            var fileLines = new Dictionary<int, long>();
            using var chunk = new MemoryStream();
            using (var writer = CsvWriter.Create(chunk, DirectoryCsv.WriteOptions, leaveOpen: true))
            {
                writer.WriteHeader(header);
                var chunkLine = 2;
                while (fileLines.Count < options.ImportRows && reader.Read())
                {
                    var fields = reader.Current.ToArray();
                    writer.WriteRecord(fields);
                    fileLines[chunkLine] = reader.LineNumber;
                    chunkLine += 1 + fields.Sum(LineBreaks);
                }
            }
            var rows = fileLines.Count;
            if (rows == 0)
            {
                return (imported, rejectedRows);
            }
            progress?.Show($"importing directory: {imported + rows:N0} rows");
            var (status, body) = await post.SendAsync("v1/users/import", chunk.ToArray(), "text/csv", cancel);
            if (status is null)
            {
                // Nothing answers at that address: sending the events would only fail the same way, more slowly.
                throw new HttpRequestException($"no answer to the directory import after {options.MaxAttempts} tries: {body}");
            }
            if (status != HttpStatusCode.OK)
            {
                Problem($"directory rows from line {fileLines[2]}: {Answer(status, body)}");
                rejectedRows += rows;
            }
            else
            {
                using var answer = JsonDocument.Parse(body);
                imported += answer.RootElement.GetProperty("imported").GetInt32();
                foreach (var line in answer.RootElement.GetProperty("rejected").EnumerateArray())
                {
                    rejectedRows++;
                    var at = line.GetProperty("line").GetInt32();
                    Problem($"directory line {(fileLines.TryGetValue(at, out var fileLine) ? fileLine : at)}: {line.GetProperty("error")}");
                }
            }
        }
    }

    /// <summary>Line breaks in a written field; CR LF, CR and LF each end a line for the service.</summary>
    private static int LineBreaks(string field) =>
        field.AsSpan().Count('\n') + field.AsSpan().Count('\r') - field.AsSpan().Count("\r\n");

    private async Task ReadBatchesAsync(string path, ChannelWriter<List<string>> batches, CancellationToken cancel)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, false, 1 << 20);
        var (batch, bytes) = (new List<string>(options.Batch), 0);
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            var size = Encoding.UTF8.GetByteCount(line) + 1;
            if (batch.Count > 0 && (batch.Count == options.Batch || bytes + size > MaxBatchBytes))
            {
                await batches.WriteAsync(batch, cancel);
                (batch, bytes) = (new List<string>(options.Batch), 0);
            }
            batch.Add(line);
            bytes += size;
        }
        if (batch.Count > 0)
        {
            await batches.WriteAsync(batch, cancel);
        }
    }

    private async Task SendAsync(RetryingPost post, List<string> batch, CancellationToken cancel)
    {
        var body = Encoding.UTF8.GetBytes("{\"events\":[" + string.Join(',', batch) + "]}");
        var (status, answer) = await post.SendAsync("v1/events/batch", body, "application/json", cancel);
        if (status is { } code && (int)code is >= 400 and < 500)
        {
            // A 4xx for the whole batch (e.g. 413) rejects every event in it.
            Interlocked.Add(ref rejected, batch.Count);
            Problem($"batch of {batch.Count} refused: {Answer(status, answer)}");
        }
        else if (status != HttpStatusCode.OK || !TryCount(answer))
        {
            Interlocked.Add(ref failed, batch.Count);
            var after = status == HttpStatusCode.OK ? "an answer of another shape" : $"{options.MaxAttempts} tries";
            Problem($"batch of {batch.Count} failed ({after}): {Answer(status, answer)}");
        }
        Interlocked.Add(ref sent, batch.Count);
    }

    /// <summary>Adds a batch answer to the totals; false when the answer is not the documented shape.</summary>
    private bool TryCount(string answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            var entries = root.GetProperty("rejected").EnumerateArray().ToList();
            Interlocked.Add(ref accepted, root.GetProperty("accepted").GetInt64());
            Interlocked.Add(ref duplicates, root.GetProperty("duplicates").GetInt64());
            Interlocked.Add(ref rejected, entries.Count);
            foreach (var entry in entries)
            {
                Problem($"rejected {Field(entry, "eventId")}: {Field(entry, "field")} {Field(entry, "error")}");
            }
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private string Describe(long total, TimeSpan elapsed)
    {
        var done = Interlocked.Read(ref sent);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate) : (TimeSpan?)null;
        var errors = Interlocked.Read(ref rejected) + Interlocked.Read(ref failed);
        return string.Create(CultureInfo.InvariantCulture,
            $"events {done:N0}/{total:N0} ({(total > 0 ? 100.0 * done / total : 100):F1}%)  {rate:N0} ev/s  errors {errors:N0}  retries {Interlocked.Read(ref retries):N0}  ETA {(eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--")}");
    }

    private void Problem(string text)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Enqueue(text);
        }
    }

    private static string Answer(HttpStatusCode? status, string body) =>
        status is null ? $"no answer ({body})" : $"HTTP {(int)status} {(body.Length > 300 ? body[..300] + "..." : body)}";

    private static string Field(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) ? value.ToString() : "";

    private static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return lines;
    }
}
