using System.Runtime.InteropServices;

namespace Collaboration.Bench;

/// <summary>What the numbers were measured on, for the report.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = ReadField("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], out var kb)
            ? $"{kb / 1024.0 / 1024.0:F1} GiB"
            : "unknown";
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory} memory, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    private static string? ReadField(string path, string name) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(line => line.StartsWith(name, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(':') + 1)..].Trim()).FirstOrDefault()
            : null;
}
