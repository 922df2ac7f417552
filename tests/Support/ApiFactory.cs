using System.Text.Json.Nodes;
using Collaboration.Analytics;
using Collaboration.Api.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Collaboration.Tests.Support;

/// <summary>
/// The real application on Kestrel (a real socket), on its own data folder and silo ports. Its clock is a
/// <see cref="FakeTimeProvider"/> starting at <see cref="Make.Noon"/>, so tests can move "now".
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory? ownedDirectory;
    private readonly Dictionary<string, string> settings;

    /// <summary>Configuration of the application, applied when it is first built.</summary>
    protected IDictionary<string, string> Settings => settings;

    public ApiFactory() : this(null, null)
    {
    }

    /// <summary>An application on <paramref name="dataDirectory"/>, e.g. to start again on what a previous one stored.</summary>
    public static ApiFactory On(string dataDirectory, IDictionary<string, string>? settings = null) => new(dataDirectory, settings);

    /// <summary>An application on a new data folder, with extra configuration.</summary>
    public static ApiFactory With(IDictionary<string, string>? settings) => new(null, settings);

    protected ApiFactory(string? dataDirectory, IDictionary<string, string>? settings)
    {
        if (dataDirectory is null)
        {
            ownedDirectory = new TempDirectory();
        }
        DataDirectory = dataDirectory ?? ownedDirectory!.Path;
        this.settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["COLLAB_DATA_DIR"] = DataDirectory,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            ["Journal:SnapshotEvery"] = "5",
        };
        // The api's clock is fake but the silo's is not: a horizon would move under tests dated at Make.Noon.
        this.settings.TryAdd("Analytics:HorizonDays", "0");
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    /// <summary>A client whose every answer is checked against the live OpenAPI document (<see cref="OpenApiConformance"/>).</summary>
    public new HttpClient CreateClient()
    {
        // The base client starts the server and knows its Kestrel address.
        var address = base.CreateClient().BaseAddress!;
        return CreateDefaultClient(address, new OpenApiConformance(async () =>
        {
            using var plain = CreateDefaultClient(address);
            return JsonNode.Parse(await plain.GetStringAsync("/openapi/v1.json"))!;
        }));
    }

    public FakeTimeProvider Clock { get; } = new(Make.Noon);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddSingleton(provider =>
            new ApiClock(Clock, provider.GetRequiredService<IOptions<AnalyticsOptions>>().Value.HorizonDays)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        ownedDirectory?.Dispose();
    }
}
