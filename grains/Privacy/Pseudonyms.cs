using System.Security.Cryptography;
using System.Text;

namespace Collaboration.Privacy;

/// <summary>
/// The pseudonym an erased person's events are stored under: "erased-" and the first 12 bytes of HMAC-SHA256 of their
/// id, keyed by the store's own secret (created with the store, never leaving it). The same person always gets the same
/// pseudonym, so their events still count as one participant, a later event of theirs can be recognised and refused,
/// and the read model can find whom to rename without the id being stored anywhere. Without the key a pseudonym names
/// no one; with it (a copy of the whole database) one can test whether a given id was erased: see README, Personal data.
/// </summary>
public sealed class Pseudonyms(byte[] key)
{
    public const string Prefix = "erased-";

    /// <summary>Bytes of a new store's key.</summary>
    public const int KeyBytes = 32;

    public string Of(string userId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId), mac);
        return Prefix + Convert.ToHexStringLower(mac[..12]);
    }

    /// <summary>Whether <paramref name="userId"/> is a pseudonym rather than a person's id.</summary>
    public static bool IsPseudonym(string userId) => userId.StartsWith(Prefix, StringComparison.Ordinal);
}
