using System.ComponentModel.DataAnnotations;

namespace Fleet.LocalHost;

/// <summary>The local stand-ins for Event Hubs and SignalR Service (section <c>Fleet:LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "Fleet:LocalHost";

    [Range(1, 64, ErrorMessage = "Fleet:LocalHost:Partitions must be between 1 and 64.")]
    public int Partitions { get; set; } = 4;

    [Range(1, 10_000, ErrorMessage = "Fleet:LocalHost:MaxBatchSize must be between 1 and 10000.")]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long a consumer waits for a batch to fill once its first event is in; latency is what it costs.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Events a partition may hold not yet handled before senders get 503 with Retry-After (in memory or in the durable log).</summary>
    [Range(1, 10_000_000, ErrorMessage = "Fleet:LocalHost:PartitionQueueCapacity must be between 1 and 10000000.")]
    public int PartitionQueueCapacity { get; set; } = 50_000;

    /// <summary>How long the durable event log keeps events after they are handled (for a look at what arrived); never those not yet handled.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00", ErrorMessage = "Fleet:LocalHost:EventLogRetention must be between 00:00:00 and 30.00:00:00.")]
    public TimeSpan EventLogRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Requests per second one publisher (a device, or a gateway's key) may send; bursts of twice that pass.</summary>
    [Range(1, 100_000, ErrorMessage = "Fleet:LocalHost:PublisherRequestsPerSecond must be between 1 and 100000.")]
    public int PublisherRequestsPerSecond { get; set; } = 50;

    [Range(1, 100, ErrorMessage = "Fleet:LocalHost:MaxConnectionsPerUser must be between 1 and 100.")]
    public int MaxConnectionsPerUser { get; set; } = 5;

    /// <summary>Browser origins allowed on the hub and the API; requests without an Origin (devices, tools) pass.</summary>
    public string[] AllowedOrigins { get; set; } = ["http://127.0.0.1:7071", "http://localhost:7071"];

    /// <summary>Signs the hub's client tokens, as a SignalR Service access key does.</summary>
    [Required(ErrorMessage = "Fleet:LocalHost:SignalRAccessKey is required.")]
    [MinLength(32, ErrorMessage = "Fleet:LocalHost:SignalRAccessKey must be at least 32 characters.")]
    public string SignalRAccessKey { get; set; } = "";

    public TimeSpan SignalRTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The local Event Hubs namespace (section <c>Fleet:LocalEventHubs</c>, DESIGN 6).</summary>
public sealed class LocalEventHubsOptions
{
    public const string Section = "Fleet:LocalEventHubs";

    [Required(ErrorMessage = "Fleet:LocalEventHubs:EventHubName is required.")]
    public string EventHubName { get; set; } = "";

    [Required(ErrorMessage = "Fleet:LocalEventHubs:SharedAccessKeyName is required.")]
    public string SharedAccessKeyName { get; set; } = "";

    [Required(ErrorMessage = "Fleet:LocalEventHubs:SharedAccessKey is required.")]
    public string SharedAccessKey { get; set; } = "";
}
