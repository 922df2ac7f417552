using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Collaboration.Hosting;
using Collaboration.Security;

namespace Collaboration.Api.Keys;

/// <summary>
/// <c>keys create|list|revoke|rotate|import|generate</c>: API key management through the service's own command line,
/// on the store the service uses (COLLAB_DATA_DIR, or PostgreSQL with Collaboration__Mode=Cluster). A key is printed
/// once, alone on standard output, so scripts can capture it; everything else goes to standard error.
/// </summary>
public static class KeysCommand
{
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, new KeysConsole(Console.In, Console.Out, Console.Error), KeysConsole.ServiceConfiguration());

    /// <summary>Runs <paramref name="args"/>, which start with "keys"; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, KeysConsole console, IConfiguration configuration)
    {
        var keys = new KeyOperations(configuration, console);
        var name = new Argument<string>("name") { Description = "What the key is for, e.g. the app that uses it" };
        var id = new Argument<string>("id") { Description = "The key's id (keys list shows it)" };
        var scopes = ScopesOption();
        var rate = new Option<int?>("--rate") { Description = "The key's own budget in events per second (default: the service's)" };
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
            {
                result.AddError("--rate must be a positive number of events per second");
            }
        });
        var grace = new Option<TimeSpan>("--grace") { Description = "How long the old key keeps working, e.g. 00:10:00 (default: not at all)" };
        var fromEnv = new Option<string?>("--from-env") { Description = "Read the key from this environment variable instead of standard input" };

        var create = new Command("create", "Create a key and print it (only this once)") { name, scopes, rate };
        create.SetAction((parse, ct) => keys.CreateAsync(parse.GetValue(name)!, Scopes(parse.GetValue(scopes)), parse.GetValue(rate), ct));
        var list = new Command("list", "List the keys: id, name, scopes, rate, created, revoked (never a secret)");
        list.SetAction((_, ct) => keys.ListAsync(ct));
        var revoke = new Command("revoke", "Revoke a key at once") { id };
        revoke.SetAction((parse, ct) => keys.RevokeAsync(parse.GetValue(id)!, ct));
        var rotate = new Command("rotate", "Replace a key by a new one with the same name, scopes and rate; the old one is revoked") { id, grace };
        rotate.SetAction((parse, ct) => keys.RotateAsync(parse.GetValue(id)!, parse.GetValue(grace), ct));
        var import = new Command("import", "Store a key made elsewhere (keys generate), read from standard input or --from-env") { name, scopes, rate, fromEnv };
        import.SetAction((parse, ct) => keys.ImportAsync(parse.GetValue(name)!, Scopes(parse.GetValue(scopes)), parse.GetValue(rate), parse.GetValue(fromEnv), ct));
        var generate = new Command("generate", "Print a new key without storing it, e.g. to put in a deployment's secret for keys import");
        generate.SetAction(_ => keys.Generate());

        var keysCommand = new Command("keys", "Manage the API keys of the Collaboration service") { create, list, revoke, rotate, import, generate };
        keysCommand.SetAction(parse =>
        {
            console.Error.WriteLine("Name a keys command: create, list, revoke, rotate, import or generate (--help tells more).");
            return 1;
        });
        // The service's own options (--urls ...) never reach this parser: Program.cs sends only `keys ...` here.
        var root = new RootCommand("Collaboration") { keysCommand };
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = console.Error, Error = console.Error });
    }

    private static Option<string> ScopesOption()
    {
        var scopes = new Option<string>("--scopes")
        {
            Description = $"Comma-separated, from {string.Join(", ", ApiKeyScopes.All)}",
            Required = true,
        };
        scopes.Validators.Add(result =>
        {
            var unknown = (result.GetValueOrDefault<string>() ?? "").Split(',').Where(scope => !ApiKeyScopes.All.Contains(scope.Trim())).ToList();
            if (unknown.Count > 0)
            {
                result.AddError($"--scopes: unknown scope '{unknown[0]}'; use {string.Join(", ", ApiKeyScopes.All)}");
            }
        });
        return scopes;
    }

    private static string[] Scopes(string? value) =>
        [.. (value ?? "").Split(',', StringSplitOptions.TrimEntries).Distinct().Order(StringComparer.Ordinal)];

    internal static string Describe(ApiKeyRecord key) => string.Join("  ",
        key.KeyId,
        key.Name,
        string.Join(',', key.Scopes),
        key.EventsPerSecond?.ToString(CultureInfo.InvariantCulture) ?? "-",
        key.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
        key.RevokedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-");

    internal static Task<(IApiKeyStore, IDisposable)> OpenStoreAsync(IConfiguration configuration, CancellationToken ct) =>
        CollaborationHostingExtensions.OpenApiKeyStoreAsync(configuration, ct);
}
