using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Collaboration.Security;

/// <summary>
/// API keys look like <c>collab_&lt;id&gt;_&lt;secret&gt;&lt;checksum&gt;</c>, as GitHub's tokens do: the prefix lets secret
/// scanners and people recognise a leaked key, the id (12 of [a-z0-9]) finds its row, the secret (32 base62
/// characters, 190 random bits) proves it, and the checksum (6 base62 characters over everything before it) rejects
/// a mistyped or made-up key before any lookup.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "collab_";
    public const int IdLength = 12;
    public const int SecretLength = 32;
    public const int ChecksumLength = 6;
    public const int Length = 7 + IdLength + 1 + SecretLength + ChecksumLength; // 7: "collab_"

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random key: the whole key (shown once), its id and its secret.</summary>
    public static (string Key, string Id, string Secret) Generate()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var secret = RandomNumberGenerator.GetString(Base62, SecretLength);
        return (Format(id, secret), id, secret);
    }

    /// <summary>The key for an id and secret, its checksum appended.</summary>
    public static string Format(string id, string secret)
    {
        var body = Prefix + id + "_" + secret;
        return body + Checksum(body);
    }

    /// <summary>Splits a key into id and secret when its shape and checksum hold; says nothing about whether it exists.</summary>
    public static bool TryParse(string? key, out string id, out string secret)
    {
        (id, secret) = ("", "");
        if (key is null || key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }
        var idPart = key.AsSpan(Prefix.Length, IdLength);
        var secretPart = key.AsSpan(Prefix.Length + IdLength + 1, SecretLength);
        if (idPart.ContainsAnyExcept(IdAlphabet) || secretPart.ContainsAnyExcept(Base62))
        {
            return false;
        }
        var body = key[..^ChecksumLength];
        if (!string.Equals(Checksum(body), key[^ChecksumLength..], StringComparison.Ordinal))
        {
            return false;
        }
        (id, secret) = (idPart.ToString(), secretPart.ToString());
        return true;
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(16);

    /// <summary>
    /// SHA-256 over salt and secret. A password needs a slow hash because people pick guessable ones; this secret is
    /// 190 random bits, so no guessing or table can reach it and a fast hash is enough. The salt still makes every
    /// stored hash unique, so equal rows or a copied table reveal nothing.
    /// </summary>
    public static byte[] Hash(string secret, byte[] salt) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(secret)]);

    /// <summary>Compares in constant time, so the answer's timing says nothing about how much of the secret matched.</summary>
    public static bool Matches(ApiKeyRecord key, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret, key.Salt), key.Hash);

    private static string Checksum(string body)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.ASCII.GetBytes(body)));
        Span<char> digits = stackalloc char[ChecksumLength];
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            digits[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
        return new string(digits);
    }
}
