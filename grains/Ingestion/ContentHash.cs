using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Collaboration.Events;

namespace Collaboration.Ingestion;

/// <summary>
/// A digest of an interaction's known fields (occurredAt as an instant), so that "same event id, same content" can be
/// told from a reused id. Every field is length-prefixed, so no two different events encode alike.
/// </summary>
public static class ContentHash
{
    public static byte[] Of(Interaction interaction)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        number[0] = (byte)interaction.Type;
        hash.AppendData(number[..1]);
        Append(hash, interaction.UserId);
        Append(hash, interaction.IdeaId);
        Append(hash, interaction.ThreadId);
        BinaryPrimitives.WriteInt64LittleEndian(number, interaction.OccurredAt.UtcTicks);
        hash.AppendData(number);
        Append(hash, interaction.Title);
        BinaryPrimitives.WriteInt64LittleEndian(number, interaction.Tags?.Length ?? -1);
        hash.AppendData(number);
        foreach (var tag in interaction.Tags ?? [])
        {
            Append(hash, tag);
        }
        return hash.GetHashAndReset()[..16];
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, value is null ? -1 : Encoding.UTF8.GetByteCount(value));
        hash.AppendData(length);
        if (value is not null)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(value));
        }
    }
}
