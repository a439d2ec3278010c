using System.Security.Cryptography;

namespace Fleet.Core.Api;

/// <summary>
/// Ids of what the API creates: assigned by the server when a request gives none (random, so no two companies ever
/// want the same one), or given by the caller within a safe alphabet and length.
/// </summary>
public static class ResourceIds
{
    public const int MaxLength = 64;

    public const char CompanySeparator = '.';

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

    /// <summary>
    /// For vehicles and drivers, whose ids are one namespace for the whole platform (telemetry and realtime groups name
    /// them without a company): a chosen id starts with the company's id and a dot. Company ids hold no dot, so no
    /// company can take another's id, and a refusal can only be about the caller's own.
    /// </summary>
    public static (string? Id, ApiProblem? Problem) GivenOrNewInCompany(string? given, string field, string prefix, string companyId)
    {
        var (id, problem) = GivenOrNew(given, field, prefix);
        var scope = companyId + CompanySeparator;
        return problem is not null || given is null || (given.StartsWith(scope, StringComparison.Ordinal) && given.Length > scope.Length)
            ? (id, problem)
            : (null, ApiProblem.InvalidField(
                field, $"{field} is unique across the platform, so one you choose starts with '{scope}' (for example '{scope}{prefix}-7'); leave it out to have one assigned."));
    }

    /// <summary>A company id: a valid id without the dot that separates it from the ids the company chooses.</summary>
    public static bool IsValidCompanyId(string id) => IsValid(id) && !id.Contains(CompanySeparator, StringComparison.Ordinal);

    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
