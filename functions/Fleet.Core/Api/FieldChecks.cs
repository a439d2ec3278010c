namespace Fleet.Core.Api;

/// <summary>Checks of request fields that collect every error by field name, for <see cref="ApiProblem.Invalid"/>.</summary>
internal static class FieldChecks
{
    /// <summary>
    /// The number when it is given, finite and within [<paramref name="min"/>, <paramref name="max"/>]; otherwise null, with
    /// an error for the field when it was given. A non-finite or absurd value stored once would break every later read.
    /// </summary>
    public static double? Number(double? value, string field, double min, double max, Dictionary<string, string> errors)
    {
        if (value is not { } number)
        {
            return null;
        }

        if (double.IsFinite(number) && number >= min && number <= max)
        {
            return number;
        }

        errors[field] = FormattableString.Invariant($"{field} must be a number from {min} to {max}.");
        return null;
    }
}
