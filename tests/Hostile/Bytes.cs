namespace Collaboration.Tests.Hostile;

public static class Bytes
{
    public static byte[] Replace(byte[] source, byte[] find, byte[] replacement)
    {
        var output = new List<byte>(source.Length);
        for (var i = 0; i < source.Length;)
        {
            if (source.AsSpan(i).StartsWith(find))
            {
                output.AddRange(replacement);
                i += find.Length;
            }
            else
            {
                output.Add(source[i++]);
            }
        }
        return [.. output];
    }
}
