namespace Collaboration.Testing;

/// <summary>Where this checkout and its build outputs are, found from the running test assembly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built in (Release under test.sh, Debug in an IDE).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>A project's built assembly, e.g. Output("silo", "Collaboration.Silo.dll").</summary>
    public static string Output(string project, string assembly) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Collaboration.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Collaboration.sln was not found above " + AppContext.BaseDirectory);
    }
}
