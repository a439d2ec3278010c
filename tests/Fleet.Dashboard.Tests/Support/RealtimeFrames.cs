using System.Text.Json;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests.Support;

/// <summary>
/// Every SignalR message a page receives over its WebSockets, read off the wire: what a company's page was sent,
/// whatever the page then chose to show.
/// </summary>
public sealed class RealtimeFrames
{
    private const char RecordSeparator = '\u001e';
    private readonly List<JsonElement> _envelopes = [];

    public RealtimeFrames(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => Read(frame.Text);
    }

    public IReadOnlyList<JsonElement> Envelopes
    {
        get
        {
            lock (_envelopes)
            {
                return [.. _envelopes];
            }
        }
    }

    private void Read(string? text)
    {
        foreach (var record in (text ?? "").Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            using var message = JsonDocument.Parse(record);
            if (message.RootElement.TryGetProperty("type", out var type) && type.GetInt32() == 1 &&
                message.RootElement.TryGetProperty("arguments", out var arguments))
            {
                lock (_envelopes)
                {
                    _envelopes.AddRange(arguments.EnumerateArray().Select(argument => argument.Clone()));
                }
            }
        }
    }
}
