using Fleet.Core.Geo;
using Fleet.Core.Jobs;

namespace Fleet.Simulator;

/// <summary>A delivery a vehicle's driver has been given: load at the pickup, take it to the drop-off.</summary>
public sealed record DeliveryOrder(string JobId, GeoPoint Pickup, GeoPoint Dropoff);

/// <summary>A job status the driver sets in their app, at a moment of simulated time.</summary>
/// <param name="Status">
/// <see cref="JobStatus.EnRoute"/>, <see cref="JobStatus.InProgress"/> or <see cref="JobStatus.Completed"/>; the desk
/// spells it as the jobs API does.
/// </param>
public sealed record DriverStatusChange(string DeviceId, string JobId, JobStatus Status, DateTimeOffset At);

/// <summary>
/// The jobs API as the delivery scenario uses it: the dispatcher's side gives an idle vehicle a delivery, the driver's
/// app lists what is assigned to them and moves it on. Arrival at the drop-off is left to the backend, which detects it
/// from the telemetry.
/// </summary>
public interface IDeliveryDesk
{
    /// <summary>Creates a delivery and assigns it to the vehicle of <paramref name="deviceId"/> and its driver.</summary>
    Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken);

    /// <summary>The deliveries assigned to the driver of <paramref name="deviceId"/> that are not over, oldest first.</summary>
    Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Moves the job on to the change's status, through any status between, as a driver tapping through would.</summary>
    Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken);
}
