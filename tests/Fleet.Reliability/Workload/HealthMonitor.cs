using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Reliability.Processes;

namespace Fleet.Reliability.Workload;

/// <summary>One reading of <c>/api/health</c> and of the host process; figures are null when the host did not answer.</summary>
internal sealed record HealthSample(
    DateTimeOffset At,
    bool Answered,
    long? QueuedEvents,
    double? LagSeconds,
    bool Starting,
    bool? Durable,
    string? Database,
    string? Tables,
    int? RealtimeClients,
    long? ResidentBytes)
{
    /// <summary>Accepting is measured by the sender; this is the host's side: answering, and its backlog handled.</summary>
    public bool LagNearZero(double thresholdSeconds) => Answered && !Starting && LagSeconds is { } lag && lag <= thresholdSeconds;
}

/// <summary>
/// Reads <c>/api/health</c> (partition backlog and lag, store status, <c>ingestion.durable</c>, realtime clients) and the
/// host's resident memory at a steady interval, whatever state the host is in; a read that gets no answer within the
/// timeout is kept too, as not answered.
/// </summary>
internal sealed class HealthMonitor(LocalHostProcess host, TimeSpan interval)
{
    private readonly ConcurrentQueue<HealthSample> _samples = new();
    private readonly HttpClient _http = new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

    public IReadOnlyList<HealthSample> Samples => [.. _samples];

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            _samples.Enqueue(await ReadAsync(CancellationToken.None));
        }
        while (await Tick(timer, stop));
    }

    public async Task<HealthSample> ReadAsync(CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow;
        var rss = host.ResidentBytes();
        try
        {
            using var response = await _http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = json.RootElement;
            return new HealthSample(
                at,
                Answered: true,
                root.TryGetProperty("queued_events", out var queued) ? queued.GetInt64() : null,
                root.TryGetProperty("processing_lag_seconds", out var lag) && lag.ValueKind == JsonValueKind.Number ? lag.GetDouble() : null,
                root.TryGetProperty("starting", out var starting) && starting.ValueKind == JsonValueKind.True,
                root.TryGetProperty("ingestion", out var ingestion) && ingestion.TryGetProperty("durable", out var durable) ? durable.ValueKind == JsonValueKind.True : null,
                Text(root, "database"),
                Text(root, "tables"),
                root.TryGetProperty("realtime", out var realtime) && realtime.TryGetProperty("connected_clients", out var clients) ? clients.GetInt32() : null,
                rss);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new HealthSample(at, false, null, null, false, null, null, null, null, rss);
        }
    }

    /// <summary>Waits until every partition is drained (nothing queued, twice in a row) or the timeout passes.</summary>
    /// <returns>How long it took, or null when the timeout passed first.</returns>
    public async Task<TimeSpan?> WaitDrainedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var drainedReads = 0;
        while (DateTimeOffset.UtcNow - started < timeout)
        {
            var sample = await ReadAsync(cancellationToken);
            _samples.Enqueue(sample);
            drainedReads = sample is { Answered: true, QueuedEvents: 0 } ? drainedReads + 1 : 0;
            if (drainedReads >= 2)
            {
                return DateTimeOffset.UtcNow - started;
            }

            await Task.Delay(500, cancellationToken);
        }

        return null;
    }

    public static string ToCsv(IEnumerable<HealthSample> samples, DateTimeOffset origin)
    {
        var csv = new StringBuilder("seconds,answered,queued_events,lag_seconds,starting,database,tables,realtime_clients,rss_mb\n");
        foreach (var sample in samples)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(sample.At - origin).TotalSeconds:0.0},{sample.Answered},{sample.QueuedEvents},{sample.LagSeconds:0.000},");
            csv.Append(CultureInfo.InvariantCulture, $"{sample.Starting},{sample.Database},{sample.Tables},{sample.RealtimeClients},{sample.ResidentBytes / 1048576.0:0.0}\n");
        }

        return csv.ToString();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
