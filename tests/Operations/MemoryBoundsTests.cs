using Collaboration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Collaboration.Tests.Operations;

/// <summary>The silo's grain collection settings: the defaults README states, and configuration over them.</summary>
public sealed class MemoryBoundsTests
{
    [Fact]
    public async Task Idle_grains_are_collected_and_memory_pressure_sheds_them_by_default_and_configuration_overrides_it()
    {
        await using var factory = ApiFactory.With(new Dictionary<string, string>
        {
            ["Orleans:GrainCollection:CollectionAge"] = "00:03:00",
            ["Orleans:GrainCollection:MemoryUsageLimitPercentage"] = "90",
        });
        using var client = factory.CreateClient();

        var options = factory.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(3), options.CollectionAge);
        Assert.True(options.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal((90.0, 70.0), ((double)options.MemoryUsageLimitPercentage, (double)options.MemoryUsageTargetPercentage));
    }
}
