using Fleet.Adapters.EventHubs;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>The local namespace's one key (DESIGN 6), checked as Event Hubs checks a send.</summary>
internal sealed class EventHubsAuthorization(IOptions<LocalEventHubsOptions> options, TimeProvider timeProvider)
{
    private readonly EventHubsSasValidator _validator = new(
        keyName => string.Equals(keyName, options.Value.SharedAccessKeyName, StringComparison.Ordinal) ? options.Value.SharedAccessKey : null,
        timeProvider);

    public SasValidation Check(HttpRequest request, string hub, string? pathPublisher) =>
        _validator.Validate(request.Headers.Authorization.ToString(), new EventHubsResource(new Uri($"{request.Scheme}://{request.Host}/"), hub, pathPublisher));
}
