using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fleet.Reliability.Workload;

/// <summary>How a request was answered; anything but <see cref="Created"/> leaves its events not accepted.</summary>
internal enum Answer
{
    Created,
    TooManyRequests,
    Unavailable,
    OtherStatus,
    NoConnection,
    Timeout,
}

/// <summary>One fix as sent: its time (Unix milliseconds, unique per device), whether it carried a harsh-braking flag, and whether it was accepted.</summary>
internal readonly record struct SentFix(long UnixMs, bool Harsh, bool Accepted);

/// <param name="Rate">Events per second over the whole fleet.</param>
/// <param name="Lanes">Senders working at once; a device belongs to one, so its requests never overlap.</param>
/// <param name="HarshEvery">Every n-th fix of a device reports harsh braking (never two in a row, so each one is an alert).</param>
/// <param name="Attempts">Tries of one request before its events are given up as refused.</param>
internal sealed record LoadSettings(double Rate, int Lanes, int HarshEvery, int Attempts, TimeSpan RequestTimeout);

/// <summary>
/// Sends telemetry as a gateway holding the hub's key does: <c>POST /telemetry/messages</c>, Event Hubs batches of one
/// fix per device of a lane, each keyed by its device, at a steady rate. Each device's fixes are in time order, with
/// times taken from the clock when the batch is made (so always near now), and a lane sends its next batch only once
/// the last one is accepted or given up: a refused fix is retried before anything newer of that device is sent, and
/// never after. Every fix and every answer is recorded for matching afterwards.
/// </summary>
internal sealed class TelemetryLoad
{
    private const double SpeedKmh = 40;
    private static readonly MediaTypeHeaderValue BatchContentType = new("application/vnd.microsoft.servicebus.json");

    private readonly HttpClient _http;
    private readonly LoadSettings _settings;
    private readonly Uri _messages;
    private readonly Uri _hostBase;
    private readonly DeviceTrack[] _tracks;
    private readonly long[] _answers = new long[Enum.GetValues<Answer>().Length];
    private readonly ConcurrentQueue<(DateTimeOffset At, bool Created)> _timeline = new();
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
    private long _sent;
    private long _accepted;
    private long _refused;

    public TelemetryLoad(Uri hostBase, IReadOnlyList<Device> devices, LoadSettings settings)
    {
        _settings = settings;
        _hostBase = hostBase;
        _messages = new Uri(hostBase, "/" + SharedAccessSignature.Hub + "/messages");
        _tracks = [.. devices.Select(device => new DeviceTrack(device))];
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Lanes * 2,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = settings.RequestTimeout,
        };
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    public IReadOnlyList<DeviceTrack> Tracks => _tracks;

    public long Requests(Answer answer) => Interlocked.Read(ref _answers[(int)answer]);

    /// <summary>When the first request answered 201 at or after <paramref name="since"/>, if one has.</summary>
    public DateTimeOffset? FirstCreatedAfter(DateTimeOffset since) =>
        _timeline.Where(answer => answer.Created && answer.At >= since).Select(answer => (DateTimeOffset?)answer.At).Min();

    /// <summary>Sends until <paramref name="stop"/> is cancelled; a request under way is answered (or timed out) first.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var period = TimeSpan.FromSeconds(_tracks.Length / _settings.Rate);
        var lanes = Enumerable.Range(0, _settings.Lanes)
            .Select(lane => (Lane: lane, Tracks: _tracks.Where((_, index) => index % _settings.Lanes == lane).ToArray()))
            .Where(lane => lane.Tracks.Length > 0)
            .Select(lane => Task.Run(() => RunLaneAsync(lane.Tracks, period, period * lane.Lane / _settings.Lanes, stop), CancellationToken.None))
            .ToList();
        await Task.WhenAll(lanes);
    }

    private async Task RunLaneAsync(DeviceTrack[] tracks, TimeSpan period, TimeSpan offset, CancellationToken stop)
    {
        var next = DateTimeOffset.UtcNow + offset;
        while (!stop.IsCancellationRequested)
        {
            var wait = next - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var now = DateTimeOffset.UtcNow;
            var batch = tracks.Select(track => track.Next(now, _settings.HarshEvery)).ToArray();
            Interlocked.Add(ref _sent, batch.Length);
            var accepted = await SendAsync(tracks, batch, stop);
            if (accepted)
            {
                Interlocked.Add(ref _accepted, batch.Length);
            }
            else
            {
                Interlocked.Add(ref _refused, batch.Length);
            }

            for (var i = 0; i < tracks.Length; i++)
            {
                tracks[i].Record(batch[i] with { Accepted = accepted });
            }

            // Behind schedule (a slow answer, retries): go on from now rather than send a burst to catch up.
            next += period;
            if (next < DateTimeOffset.UtcNow - period)
            {
                next = DateTimeOffset.UtcNow;
            }
        }
    }

    private async Task<bool> SendAsync(DeviceTrack[] tracks, SentFix[] batch, CancellationToken stop)
    {
        var body = Envelope(tracks, batch);
        for (var attempt = 1; ; attempt++)
        {
            var (answer, retryAfter) = await PostAsync(body);
            Interlocked.Increment(ref _answers[(int)answer]);
            _timeline.Enqueue((DateTimeOffset.UtcNow, answer == Answer.Created));
            if (answer == Answer.Created)
            {
                return true;
            }

            if (attempt >= _settings.Attempts || answer == Answer.OtherStatus || stop.IsCancellationRequested)
            {
                return false;
            }

            var delay = retryAfter is { } given && given < TimeSpan.FromSeconds(1) ? given : TimeSpan.FromMilliseconds(answer is Answer.NoConnection ? 250 : 1000);
            await Task.Delay(delay, CancellationToken.None);
        }
    }

    private async Task<(Answer Answer, TimeSpan? RetryAfter)> PostAsync(ReadOnlyMemory<byte> body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _messages)
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = BatchContentType } },
        };
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignature.ForHub(_hostBase, DateTimeOffset.UtcNow.AddHours(1)));
        try
        {
            using var response = await _http.SendAsync(request, CancellationToken.None);
            return response.StatusCode switch
            {
                HttpStatusCode.Created => (Answer.Created, null),
                HttpStatusCode.TooManyRequests => (Answer.TooManyRequests, response.Headers.RetryAfter?.Delta),
                HttpStatusCode.ServiceUnavailable => (Answer.Unavailable, response.Headers.RetryAfter?.Delta),
                _ => (Answer.OtherStatus, null),
            };
        }
        catch (HttpRequestException)
        {
            return (Answer.NoConnection, null);
        }
        catch (TaskCanceledException)
        {
            // HttpClient.Timeout: the request may or may not have been taken; without an answer it is not accepted.
            return (Answer.Timeout, null);
        }
    }

    private ReadOnlyMemory<byte> Envelope(DeviceTrack[] tracks, SentFix[] batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Length * 320);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var i = 0; i < batch.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("Body", Telemetry(tracks[i].Device, batch[i]));
                json.WriteStartObject("BrokerProperties");
                json.WriteString("PartitionKey", tracks[i].Device.DeviceId);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// DESIGN 3.1 telemetry, driving east at a steady 40 km/h from a start of its own: the position follows from the fix
    /// time alone, so fixes lost in between never make the next one an implausible jump, and a steady speed derives no
    /// harsh event of its own. The only alerts are the device-reported harsh braking flags.
    /// </summary>
    private string Telemetry(Device device, SentFix fix)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(fix.UnixMs);
        var latitude = 24.90 + (device.Number % 40) * 0.005;
        var metres = (time - _origin).TotalSeconds * SpeedKmh / 3.6;
        var longitude = 121.40 + (device.Number / 40) * 0.02 + metres / (111_320 * Math.Cos(latitude * Math.PI / 180));
        var events = fix.Harsh ? ",\"events\":[\"harsh_braking\"]" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"device_id\":\"{device.DeviceId}\",\"timestamp\":\"{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"latitude\":{latitude:0.000000},\"longitude\":{longitude:0.0000000},\"speed\":{SpeedKmh},\"heading\":90,\"accuracy\":5,\"ignition\":true{events}}}");
    }
}

/// <summary>One device's fixes in the order sent; only its lane writes it, and it is read after the load has stopped.</summary>
internal sealed class DeviceTrack(Device device)
{
    private readonly List<SentFix> _fixes = [];
    private long _lastUnixMs;

    public Device Device { get; } = device;

    public IReadOnlyList<SentFix> Fixes => _fixes;

    /// <summary>
    /// The next fix: now, to the millisecond, and always after the previous one. Devices flag harsh braking at offsets
    /// of their own, so that the alerts come steadily rather than all devices' at once every n-th round.
    /// </summary>
    public SentFix Next(DateTimeOffset now, int harshEvery)
    {
        _lastUnixMs = Math.Max(now.ToUnixTimeMilliseconds(), _lastUnixMs + 1);
        var harsh = harshEvery > 0 && (_fixes.Count + 1 + Device.Number) % harshEvery == 0;
        return new SentFix(_lastUnixMs, harsh, Accepted: false);
    }

    public void Record(SentFix fix) => _fixes.Add(fix);
}
