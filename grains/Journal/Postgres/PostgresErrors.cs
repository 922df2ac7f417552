using Collaboration.Errors;
using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>Turns database and network failures into the one exception callers retry on.</summary>
internal static class PostgresErrors
{
    public static async Task<T> Guard<T>(string what, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            throw new StorageUnavailableException($"The journal could not be {what}: {ex.Message}");
        }
    }
}
