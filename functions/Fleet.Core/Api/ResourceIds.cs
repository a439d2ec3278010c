using System.Security.Cryptography;

namespace Fleet.Core.Api;

/// <summary>
/// Ids of what the API creates: assigned by the server when a request gives none (random, so no two companies ever
/// want the same one), or given by the caller within a safe alphabet and length.
/// </summary>
public static class ResourceIds
{
    public const int MaxLength = 64;

    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A new id such as <c>v-7kq2mz9xw4tc</c>: 60 random bits after the prefix.</summary>
    public static string New(string prefix)
    {
        Span<char> text = stackalloc char[12];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return prefix + "-" + new string(text);
    }

    /// <summary>The id to use: the given one when it is valid, a new one when none is given, or the 400 naming the field.</summary>
    public static (string? Id, ApiProblem? Problem) GivenOrNew(string? given, string field, string prefix)
    {
        if (given is null)
        {
            return (New(prefix), null);
        }

        return IsValid(given)
            ? (given, null)
            : (null, ApiProblem.InvalidField(field, $"{field} must be 1 to {MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit; leave it out to have one assigned."));
    }

    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
