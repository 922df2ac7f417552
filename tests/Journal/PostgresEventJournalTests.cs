using Collaboration.Journal;
using Collaboration.Journal.Postgres;
using Collaboration.Tests.Support;
using Npgsql;

namespace Collaboration.Tests.Journal;

public sealed class PostgresEventJournalTests : EventJournalContract, IAsyncLifetime
{
    private readonly List<NpgsqlDataSource> dataSources = [];
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await PostgresSchema.ApplyAsync(dataSource);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override (IEventJournal Journal, IEventLedger Ledger) Open()
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        dataSources.Add(dataSource);
        return (new PostgresEventJournal(dataSource), new PostgresEventLedger(dataSource));
    }

    public override void Dispose() => dataSources.ForEach(dataSource => dataSource.Dispose());

    [Fact]
    public async Task The_schema_scripts_apply_once_in_order()
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var again = await PostgresSchema.ApplyAsync(dataSource);

        Assert.Empty(again);
        await using var command = dataSource.CreateCommand("SELECT array_agg(name ORDER BY version) FROM schema_versions");
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), (string[])(await command.ExecuteScalarAsync())!);
        Assert.StartsWith("001_", PostgresSchema.Scripts[0].Name);
    }
}
