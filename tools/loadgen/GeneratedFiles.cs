namespace Collaboration.LoadGen;

/// <summary>The three files <c>generate</c> writes into one folder, by their fixed names.</summary>
public sealed record GeneratedFiles(string Folder)
{
    public string Directory => Path.Combine(Folder, "directory.csv");
    public string Events => Path.Combine(Folder, "events.ndjson");
    public string Expected => Path.Combine(Folder, "expected.json");

    /// <summary>What to tell the user about the first missing file, or null when all exist.</summary>
    public string? Missing(params string[] paths) =>
        paths.FirstOrDefault(path => !File.Exists(path)) is { } missing ? $"{missing} does not exist; run generate --out {Folder} first" : null;
}
