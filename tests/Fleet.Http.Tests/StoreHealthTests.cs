using Fleet.Adapters.InMemory;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Http.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http.Tests;

/// <summary>What a host's health endpoint reports of each store: "ok", or the kind of failure and nothing more.</summary>
public sealed class StoreHealthTests
{
    [Fact]
    public async Task Stores_that_answer_are_healthy()
    {
        var report = await new StoreHealth(new InMemoryFleetDirectory(), new InMemoryAlertStore()).ProbeAsync(CancellationToken.None);

        Assert.Equal(new StoreHealthReport("ok", "ok"), report);
        Assert.True(report.Healthy);
    }

    [Fact]
    public async Task A_failing_store_is_named_by_the_kind_of_failure_only()
    {
        var registry = new ScriptedRegistry(_ => throw new InvalidOperationException("Host=db;Password=secret"));

        var report = await new StoreHealth(registry, new InMemoryAlertStore()).ProbeAsync(CancellationToken.None);

        Assert.Equal(new StoreHealthReport("unreachable: InvalidOperationException", "ok"), report);
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_in_time_is_unhealthy()
    {
        var registry = new ScriptedRegistry(token => Task.Delay(Timeout.Infinite, token));

        var report = await new StoreHealth(registry, new InMemoryAlertStore()).ProbeAsync(CancellationToken.None);

        Assert.Equal("no answer within 3 s", report.Database);
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task A_request_given_up_by_its_caller_is_not_reported_as_a_failing_store()
    {
        var registry = new ScriptedRegistry(token => Task.Delay(Timeout.Infinite, token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new StoreHealth(registry, new InMemoryAlertStore()).ProbeAsync(new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task A_host_with_nothing_to_add_answers_the_report_as_is_with_503_when_unhealthy()
    {
        var http = HttpApiHarness.BareContext();

        await StoreHealth.ToResult(new StoreHealthReport("ok", "no answer within 3 s")).ExecuteAsync(http);

        var answer = await Answer.OfAsync(http);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, answer.Status);
        Assert.Equal("unhealthy", answer.Body.GetProperty("status").GetString());
        Assert.Equal("ok", answer.Body.GetProperty("database").GetString());
        Assert.Equal("no answer within 3 s", answer.Body.GetProperty("tables").GetString());
    }

    private sealed class ScriptedRegistry(Func<CancellationToken, Task> answer) : IDeviceRegistry
    {
        public async Task<IReadOnlyDictionary<string, DeviceRegistration>> ResolveAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
        {
            await answer(cancellationToken);
            return new Dictionary<string, DeviceRegistration>();
        }
    }
}
