using Azure;
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
    private readonly ScriptedSink _sink = new();
    private readonly AlertSinkCircuit _circuit;

    public AlertSinkCircuitTests() => _circuit = new AlertSinkCircuit(_sink, _clock, NullLogger<AlertSinkCircuit>.Instance);

    [Fact]
    public async Task After_a_failure_writes_fail_at_once_until_the_circuit_lets_one_probe_through_and_its_success_closes_it()
    {
        _sink.Next = _ => Task.FromException(new RequestFailedException(503, "Table Storage is down"));
        await Assert.ThrowsAsync<RequestFailedException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _clock.Now += AlertSinkCircuit.OpenFor - TimeSpan.FromSeconds(1);
        var whileOpen = await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        var callsWhileOpen = _sink.Calls;

        _sink.Next = _ => Task.CompletedTask;
        _clock.Now += TimeSpan.FromSeconds(1);
        await _circuit.UpsertAsync(Alerts, CancellationToken.None);
        await _circuit.UpsertAsync(Alerts, CancellationToken.None);

        Assert.Equal(1, callsWhileOpen);
        Assert.Equal(Now + AlertSinkCircuit.OpenFor, whileOpen.RetryAt);
        Assert.Equal(3, _sink.Calls);
    }

    [Fact]
    public async Task While_a_probe_is_under_way_other_writes_fail_at_once_however_long_it_takes()
    {
        _sink.Next = _ => Task.FromException(new RequestFailedException(503, "Table Storage is down"));
        await Assert.ThrowsAsync<RequestFailedException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _clock.Now += AlertSinkCircuit.OpenFor;
        var answer = new TaskCompletionSource();
        _sink.Next = _ => answer.Task;

        var probe = _circuit.UpsertAsync(Alerts, CancellationToken.None);
        _clock.Now += AlertSinkCircuit.OpenFor * 3;
        await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        answer.SetResult();
        await probe;
        await _circuit.UpsertAsync(Alerts, CancellationToken.None);

        Assert.Equal(3, _sink.Calls);
    }

    [Fact]
    public async Task A_write_that_began_before_a_failure_does_not_close_the_circuit_when_it_succeeds_after_it()
    {
        var slow = new TaskCompletionSource();
        _sink.Next = _ => slow.Task;
        var before = _circuit.UpsertAsync(Alerts, CancellationToken.None);
        _sink.Next = _ => Task.FromException(new RequestFailedException(503, "Table Storage is down"));
        await Assert.ThrowsAsync<RequestFailedException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));

        slow.SetResult();
        await before;

        await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_that_refuses_an_alert_is_not_down_and_leaves_the_circuit_closed()
    {
        _sink.Next = _ => Task.FromException(new RequestFailedException(400, "The property value exceeds the maximum allowed size"));
        await Assert.ThrowsAsync<RequestFailedException>(() => _circuit.UpsertAsync(Alerts, CancellationToken.None));
        _sink.Next = _ => Task.CompletedTask;

        await _circuit.UpsertAsync(Alerts, CancellationToken.None);

        Assert.Equal(2, _sink.Calls);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_given_up_after_the_write_timeout_and_counts_as_down()
    {
        var circuit = new AlertSinkCircuit(_sink, TimeProvider.System, NullLogger<AlertSinkCircuit>.Instance, writeTimeout: TimeSpan.FromMilliseconds(50));
        _sink.Next = token => Task.Delay(Timeout.Infinite, token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => circuit.UpsertAsync(Alerts, CancellationToken.None));
        await Assert.ThrowsAsync<AlertStoreUnavailableException>(() => circuit.UpsertAsync(Alerts, CancellationToken.None));
    }

    private sealed class ScriptedSink : IAlertSink
    {
        public Func<CancellationToken, Task> Next { get; set; } = _ => Task.CompletedTask;

        public int Calls { get; private set; }

        public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            Calls++;
            return Next(cancellationToken);
        }
    }
}
