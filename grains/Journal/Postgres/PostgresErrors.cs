using Collaboration.Errors;
using Npgsql;

namespace Collaboration.Journal.Postgres;

/// <summary>Turns transient database and network failures into the one exception callers retry on.</summary>
internal static class PostgresErrors
{
    public static async Task<T> Guard<T>(string what, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is NpgsqlException { IsTransient: true } or TimeoutException or IOException)
        {
            throw new StorageUnavailableException($"The journal could not be {what}: {ex.Message}");
        }
        catch (NpgsqlException ex)
        {
            // A missing table or a refused permission does not pass by retrying: a 500 and an operator, not a 503.
            // The driver's exception cannot cross a grain call, so only its text does.
            throw new InvalidOperationException($"The journal could not be {what}: {ex.Message}");
        }
    }
}
