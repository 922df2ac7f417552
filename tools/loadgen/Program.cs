namespace Collaboration.LoadGen;

/// <summary>
/// <c>loadgen generate|post|verify --option value ...</c>; the command line is <see cref="Cli"/>. Not top-level
/// statements, so no global Program type clashes with the api's in the tests that reference both.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => Cli.RunAsync(args, Console.Out, Console.Error);
}
