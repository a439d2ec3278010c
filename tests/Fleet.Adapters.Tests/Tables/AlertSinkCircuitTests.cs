using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.EventHubs;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>During a Table Storage outage a batch does not wait out the client's retries (issue 17): one probe at a time does.</summary>
public sealed class AlertSinkCircuitTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly Alert[] Alerts = [new("a-1", "c-1", AlertType.SpeedViolation, AlertSeverity.High, "Speeding", "over", Now, Now, Now.AddDays(1))];

    private readonly ManualClock _clock = new(Now);
    private readonly FlakySink _sink = new();
    private readonly AlertSinkCircuit _circuit;

    public AlertSinkCircuitTests() => _circuit = new AlertSinkCircuit(_sink, _clock, NullLogger<AlertSinkCircuit>.Instance);

    [Fact]
    public async Task After_a_failure_writes_fail_at_once_until_the_circuit_lets_one_probe_through_and_its_success_closes_it()
    {
        _sink.Failing = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _clock.Now += AlertSinkCircuit.OpenFor - TimeSpan.FromSeconds(1);
        var whileOpen = await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        var callsWhileOpen = _sink.Calls;

        _sink.Failing = false;
        _clock.Now += TimeSpan.FromSeconds(1);
        await _circuit.UpsertAsync(Alerts, CancellationToken.None);
        await _circuit.UpsertAsync(Alerts, CancellationToken.None);

        Assert.Equal(1, callsWhileOpen);
        Assert.Equal(Now + AlertSinkCircuit.OpenFor, whileOpen.RetryAt);
        Assert.Equal(3, _sink.Calls);
    }

    [Fact]
    public async Task A_failed_probe_opens_the_circuit_again_for_the_whole_period()
    {
        _sink.Failing = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _clock.Now += AlertSinkCircuit.OpenFor;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _clock.Now += AlertSinkCircuit.OpenFor - TimeSpan.FromSeconds(1);

        await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        Assert.Equal(2, _sink.Calls);
    }

    private sealed class FlakySink : IAlertSink
    {
        public bool Failing { get; set; }

        public int Calls { get; private set; }

        public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            Calls++;
            return Failing ? Task.FromException(new InvalidOperationException("Table Storage is down")) : Task.CompletedTask;
        }
    }
}
