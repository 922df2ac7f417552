using System.Data.Common;
using System.IO.Compression;
using System.Text;

namespace Collaboration.Tests.Support;

/// <summary>
/// Everything a database's tables hold, as bytes, with read-model snapshot bodies inflated (they are stored deflated,
/// where a plain byte search would never find a name): what a test searches for a person who must be gone.
/// </summary>
public static class StoredTraces
{
    /// <summary>Where each of <paramref name="needles"/> occurs ("table.column"), over every table the query lists.</summary>
    public static async Task<List<string>> FindAsync(DbConnection connection, string tablesQuery, params string[] needles)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = tablesQuery;
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var found = new List<string>();
        var snapshotParts = new SortedDictionary<(string Model, long Position), SortedDictionary<int, byte[]>>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM {table}";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    var bytes = reader.IsDBNull(column) ? [] : reader.GetValue(column) switch
                    {
                        byte[] raw => raw,
                        var value => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                    };
                    found.AddRange(needles.Where(needle => Contains(bytes, needle)).Select(needle => $"{table}.{reader.GetName(column)} holds '{needle}'"));
                }
                if (table == "read_model_snapshots" && Convert.ToInt32(reader["part"]) > 0)
                {
                    var key = ((string)reader["model"], Convert.ToInt64(reader["position"]));
                    if (!snapshotParts.TryGetValue(key, out var parts))
                    {
                        snapshotParts[key] = parts = [];
                    }
                    parts[Convert.ToInt32(reader["part"])] = (byte[])reader["data"];
                }
            }
        }
        foreach (var ((model, position), parts) in snapshotParts)
        {
            using var compressed = new MemoryStream([.. parts.Values.SelectMany(part => part)]);
            using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
            using var body = new MemoryStream();
            inflate.CopyTo(body);
            found.AddRange(needles.Where(needle => Contains(body.ToArray(), needle)).Select(needle => $"read model snapshot {model}@{position} holds '{needle}'"));
        }
        return found;
    }

    public static bool Contains(byte[] bytes, string needle) => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
