namespace Collaboration.LoadGen;

/// <summary>The three files <c>generate</c> writes into one folder, by their fixed names.</summary>
public sealed record GeneratedFiles(string Folder)
{
    public string Directory => Path.Combine(Folder, "directory.csv");
    public string Events => Path.Combine(Folder, "events.ndjson");
    public string Expected => Path.Combine(Folder, "expected.json");

    /// <summary>Fails with a usage error naming the first missing file, before anything is sent.</summary>
    public GeneratedFiles RequireExisting(params string[] paths)
    {
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new UsageException($"{path} does not exist; run generate --out {Folder} first");
            }
        }
        return this;
    }
}
