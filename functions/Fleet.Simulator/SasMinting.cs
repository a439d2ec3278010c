using Fleet.Adapters.EventHubs;

namespace Fleet.Simulator;

/// <summary>A device's own send access for fleets that enable SAS on Event Hubs (DESIGN 3.5).</summary>
internal static class SasMinting
{
    /// <summary>
    /// A token that lets the device post to its own publisher path and nowhere else (Event Hubs checks the path it
    /// signs), until <paramref name="now"/> plus the validity; and that path.
    /// </summary>
    public static (string Token, Uri SendTo) Mint(SimulatorOptions options, string deviceId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var resource = new EventHubsResource(options.Endpoint, options.EventHub, deviceId);
        return (EventHubsSas.Create(resource.ResourceUri, options.KeyName, options.Key, now + options.SasValidity), resource.MessagesUri);
    }
}
