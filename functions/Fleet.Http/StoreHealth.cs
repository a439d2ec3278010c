using Fleet.Core.Ports;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

/// <param name="Database">"ok", or the kind of failure of the configuration store (never its message: no secrets).</param>
/// <param name="Tables">"ok", or the kind of failure of the alert store.</param>
public sealed record StoreHealthReport(string Database, string Tables)
{
    public const string Ok = "ok";

    public bool Healthy => Database == Ok && Tables == Ok;

    /// <summary>What a health endpoint answers: "healthy" or "unhealthy".</summary>
    public string Status => Healthy ? "healthy" : "unhealthy";

    /// <summary>503 when unhealthy, so a load balancer or probe needs no body to judge.</summary>
    public int StatusCode => Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
}

/// <summary>Whether each store answers, for a host's health endpoint.</summary>
public sealed class StoreHealth(IDeviceRegistry registry, IAlertStore alerts)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<StoreHealthReport> ProbeAsync(CancellationToken cancellationToken)
    {
        // A probe through each store's port: a real round trip on PostgreSQL and Table Storage, nothing to leak.
        var database = await ProbeAsync(token => registry.ResolveAsync(["health-probe"], token), cancellationToken);
        var tables = await ProbeAsync(token => alerts.GetAsync("health-probe", "health-probe", token), cancellationToken);
        return new StoreHealthReport(database, tables);
    }

    /// <summary>The report alone, for a host with nothing of its own to add.</summary>
    public static IResult ToResult(StoreHealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Results.Json(new { report.Status, report.Database, report.Tables }, FleetJson.Options, statusCode: report.StatusCode);
    }

    private static async Task<string> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe(timeout.Token);
            return StoreHealthReport.Ok;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds} s" : "unreachable: " + exception.GetType().Name;
        }
    }
}
