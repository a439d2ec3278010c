using Fleet.Core.Api;
using Fleet.Core.Ports;

namespace Fleet.Core.Realtime;

/// <summary>What a <c>config_changed</c> message is about.</summary>
public enum ConfigKind
{
    Vehicle,
    Driver,
    Geofence,
}

public enum ConfigChange
{
    Created,
    Updated,
    Deleted,
}

/// <summary>
/// The payload of <c>config_changed</c>: which thing changed and how, never the thing itself. A page reads it again
/// through the API, as its user may see it, so the message cannot carry anything a dispatcher may not read (a vehicle's
/// devices, their credentials).
/// </summary>
/// <param name="Kind"><c>vehicle</c>, <c>driver</c> or <c>geofence</c>.</param>
/// <param name="Change"><c>created</c>, <c>updated</c> or <c>deleted</c>.</param>
public sealed record ConfigChangePayload(string Kind, string Id, string Change, DateTimeOffset At);

/// <summary>
/// Tells a company's open dashboards that an admin changed its fleet's configuration, after the change is stored: the
/// company group alone, whose members are that company's admins and dispatchers.
/// </summary>
public sealed class ConfigAnnouncer(IRealtimePublisher publisher, TimeProvider timeProvider)
{
    /// <summary>
    /// A failure to announce is not the change's failure: it is stored, and answering an error would have the client
    /// make it again. Like other messages outside a telemetry batch this one carries no <c>seq</c>, so a page that
    /// misses it converges when it next reconnects and reads the whole state.
    /// </summary>
    public Task AnnounceAsync(string companyId, ConfigKind kind, string id, ConfigChange change, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var payload = new ConfigChangePayload(ApiText.Of(kind), id, ApiText.Of(change), now);
        return CommittedDelivery.PublishAsync(
            publisher,
            [new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Company(companyId)), new RealtimeEnvelope(RealtimeMessageTypes.ConfigChanged, companyId, Seq: null, now, payload))],
            cancellationToken);
    }
}
