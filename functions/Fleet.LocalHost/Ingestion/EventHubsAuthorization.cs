namespace Fleet.LocalHost.Ingestion;

/// <summary>The SAS check of one send: the key that signed it, or why it is refused.</summary>
internal sealed record SendAuthorization(string? KeyName, string? Failure);

internal static class EventHubsAuthorization
{
    public static SendAuthorization Check(HttpRequest request, LocalEventHubsOptions eventHubs, string hub, string? pathPublisher, TimeProvider timeProvider)
    {
        throw new NotImplementedException("pending the SAS validator");
    }
}
