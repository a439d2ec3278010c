using System.Diagnostics.CodeAnalysis;
using Fleet.Core.Api;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

/// <summary>The caller a request's bearer token names, or the 401 to answer instead.</summary>
public sealed record AuthenticatedCaller
{
    public AuthenticatedCaller(FleetCaller caller)
    {
        Caller = caller;
        Succeeded = true;
    }

    public AuthenticatedCaller(IResult refusal) => Refusal = refusal;

    public FleetCaller? Caller { get; }

    public IResult? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Caller))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Succeeded { get; }
}
