using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Collaboration.Bench;

/// <summary>Runs tools/loadgen as a child process: it generates the company and posts it over HTTP.</summary>
public static partial class LoadGen
{
    public static async Task GenerateAsync(string assembly, string folder, int employees, int days)
    {
        var popular = Math.Min(100_000, employees);
        await RunAsync(assembly, "generate", "--out", folder, "--employees", $"{employees}", "--days", $"{days}",
            "--ideas", $"{Math.Max(10, employees / 12)}", "--popular-followers", $"{popular}", "--seed", "1");
    }

    /// <summary>Posts the company (directory, then events in batches of 500 with 8 in flight); returns events/s.</summary>
    public static async Task<double> PostAsync(string assembly, string folder, Uri url)
    {
        var output = await RunAsync(assembly, "post", "--in", folder, "--url", url.GetLeftPart(UriPartial.Authority), "--batch", "500", "--concurrency", "8");
        var summary = Summary().Match(output);
        if (!summary.Success || !output.Contains("rejected 0, failed 0", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("loadgen post did not finish cleanly:\n" + output[^Math.Min(output.Length, 2000)..]);
        }
        return double.Parse(summary.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string assembly, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [assembly, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"loadgen {arguments[0]} failed:\n{text}");
    }

    [GeneratedRegex(@"events: sent .*?([\d,]+) events/s")]
    private static partial Regex Summary();
}
