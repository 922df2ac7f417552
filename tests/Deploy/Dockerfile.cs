namespace Collaboration.Tests.Deploy;

/// <summary>The instructions of a Dockerfile (continuation lines joined, comments dropped), enough to lint paths.</summary>
internal sealed record Dockerfile(string Path, IReadOnlyList<(string Instruction, string Arguments)> Instructions)
{
    public static Dockerfile Read(string fullPath)
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadLines(fullPath))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            if (full.Length > 0)
            {
                var parts = full.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                instructions.Add((parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""));
            }
        }
        return new Dockerfile(fullPath, instructions);
    }

    /// <summary>The instructions of the last stage, the one that becomes the image.</summary>
    public IEnumerable<(string Instruction, string Arguments)> FinalStage =>
        Instructions.Skip(Instructions.ToList().FindLastIndex(instruction => instruction.Instruction == "FROM"));

    public IEnumerable<string> BaseImages =>
        Instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments.Split(' ')[0]);

    /// <summary>Sources of COPY instructions that read the build context (not another stage).</summary>
    public IEnumerable<string> ContextSources =>
        Instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(i =>
            {
                var words = i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                return words[..^1];
            });

    /// <summary>Project files named by `dotnet restore` or `dotnet publish` in RUN instructions.</summary>
    public IEnumerable<string> Projects =>
        Instructions.Where(i => i.Instruction == "RUN")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(word => word.EndsWith(".csproj", StringComparison.Ordinal));
}
