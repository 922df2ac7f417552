using Collaboration.Journal;
using Collaboration.Journal.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Collaboration.Hosting;

public static class CollaborationHostingExtensions
{
    /// <summary>
    /// Registers everything a silo needs to host the collaboration grains: options, the clock and the embedded
    /// SQLite journal and ledger (the "Journal" section configures them; COLLAB_DATA_DIR sets the data folder).
    /// </summary>
    public static ISiloBuilder AddCollaborationGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddOptions<JournalOptions>()
            .Bind(configuration.GetSection("Journal"))
            .Configure(options =>
            {
                if (configuration["COLLAB_DATA_DIR"] is { Length: > 0 } dataDirectory)
                {
                    options.DataDirectory = dataDirectory;
                }
            });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<JournalOptions>>().Value;
            return new SqliteDatabase(Path.Combine(options.DataDirectory, "collaboration.db"), options.BusyTimeout);
        });
        services.AddSingleton<IEventJournal, SqliteEventJournal>();
        services.AddSingleton<IEventLedger, SqliteEventLedger>();
        // Open the store (and create or check its schema) when the silo starts, not on the first request.
        silo.AddStartupTask((provider, _) =>
        {
            provider.GetRequiredService<SqliteDatabase>();
            return Task.CompletedTask;
        });
        return silo;
    }
}
