using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// The delivery desk's view of the host's demo fleet, as the simulator tests wire an <see cref="ApiDeliveryDesk"/>:
/// device sim-NNN is Acme's vehicle v-NNN, driven by drv-sim-NNN, and dispatching is done by the "simulator" user.
/// </summary>
internal static class DemoDesk
{
    public static DeliveryVehicle VehicleOf(string deviceId)
    {
        var number = deviceId[^3..];
        return new DeliveryVehicle("c-acme", "v-" + number, "drv-sim-" + number);
    }

    /// <summary>A token from the host's dev endpoint for the caller: its driver, on that driver's vehicle only, or the company's dispatcher.</summary>
    public static Task<string> TokenAsync(LocalHostRig host, DeskCaller caller) =>
        caller.DriverId is { } driverId
            ? host.TokenAsync(driverId, caller.CompanyId, "driver", "v-" + driverId[^3..])
            : host.TokenAsync("simulator", caller.CompanyId, "dispatcher");
}
