namespace Fleet.Adapters.EventHubs;

/// <summary>Why a request's SAS token was refused.</summary>
public enum SasFailure
{
    /// <summary>No <c>Authorization</c> header, or not a <c>SharedAccessSignature</c> one.</summary>
    Missing,

    /// <summary>Not <c>sr</c>, <c>sig</c>, <c>se</c> and <c>skn</c> exactly once each, with well-formed values.</summary>
    Malformed,

    UnknownKeyName,
    BadSignature,
    Expired,

    /// <summary>Signed for another namespace, event hub or publisher than the request is sent to.</summary>
    WrongResource,
}

/// <summary>
/// The outcome of checking a SAS token against a request. A success carries the publisher the token is scoped to
/// (null for a namespace or event hub token); a failure carries its kind and a reason fit to return to the caller,
/// which never quotes the token or its signature.
/// </summary>
public sealed record SasValidation
{
    private SasValidation(string? publisher, SasFailure? failure, string? reason)
    {
        Publisher = publisher;
        Failure = failure;
        Reason = reason;
    }

    public bool Succeeded => Failure is null;

    /// <summary>The publisher a successful token is scoped to, as the token names it.</summary>
    public string? Publisher { get; }

    public SasFailure? Failure { get; }

    public string? Reason { get; }

    internal static SasValidation Success(string? publisher) => new(publisher, null, null);

    internal static SasValidation Fail(SasFailure failure, string reason) => new(null, failure, reason);
}
