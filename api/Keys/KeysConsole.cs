namespace Collaboration.Api.Keys;

/// <summary>Where the keys command reads a key from and writes to; tests pass their own.</summary>
public sealed record KeysConsole(TextReader Input, TextWriter Output, TextWriter Error)
{
    /// <summary>
    /// The configuration the service itself would read for the store: appsettings.json in the working directory (the
    /// service's content root) and the environment (COLLAB_DATA_DIR, Collaboration__Mode, ConnectionStrings__postgres).
    /// </summary>
    public static IConfiguration ServiceConfiguration() => new ConfigurationBuilder()
        .SetBasePath(Environment.CurrentDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();
}
