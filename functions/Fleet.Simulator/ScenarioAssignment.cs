using System.Collections.Immutable;

namespace Fleet.Simulator;

/// <summary>A behaviour that makes a vehicle's telemetry raise a particular alert on the backend.</summary>
public enum ScenarioKind
{
    /// <summary>Sustained driving far above 120 km/h for well over a minute: a speeding episode.</summary>
    Speeding,

    /// <summary>Drives into the city centre, stops there, and leaves: the depot fence is entered and exited.</summary>
    Geofence,

    /// <summary>A sudden stop, reported by the device and shown by fixes under 3 s apart.</summary>
    HarshBraking,

    /// <summary>Fuel drops sharply while parked with the ignition off.</summary>
    FuelTheft,

    /// <summary>The device stops reporting a few minutes in, for offline detection.</summary>
    Silent,

    /// <summary>
    /// The driver takes the deliveries assigned to the vehicle (and, when the simulator dispatches, is given new ones):
    /// drives to the pickup, loads, sets off (<c>en_route</c>), stops at the drop-off and hands over.
    /// </summary>
    Delivery,
}

/// <summary>
/// A scenario and the vehicles it applies to: the listed vehicle numbers (1-based), or a share of the fleet. Shares take
/// consecutive vehicles, each shared scenario starting where the previous one stopped, so they spread over the fleet.
/// </summary>
public sealed record ScenarioAssignment
{
    private ScenarioAssignment(ScenarioKind scenario, double? share, ImmutableArray<int> vehicleNumbers)
    {
        Scenario = scenario;
        Share = share;
        VehicleNumbers = vehicleNumbers;
    }

    public ScenarioKind Scenario { get; }

    /// <summary>The fraction of the fleet (0 to 1) acting the scenario out, at least one vehicle; null when numbered.</summary>
    public double? Share { get; }

    public ImmutableArray<int> VehicleNumbers { get; }

    public static ScenarioAssignment ForShare(ScenarioKind scenario, double share) => new(scenario, share, []);

    public static ScenarioAssignment ForVehicles(ScenarioKind scenario, params IEnumerable<int> vehicleNumbers) =>
        new(scenario, null, [.. vehicleNumbers.Distinct().Order()]);

    /// <summary>The scenarios of each vehicle, index 0 being vehicle 1.</summary>
    internal static IReadOnlySet<ScenarioKind>[] Resolve(IReadOnlyList<ScenarioAssignment> assignments, int vehicles)
    {
        var scenarios = new HashSet<ScenarioKind>[vehicles];
        for (var i = 0; i < vehicles; i++)
        {
            scenarios[i] = [];
        }

        var next = 0;
        foreach (var assignment in assignments)
        {
            if (assignment.Share is { } share)
            {
                var count = Math.Clamp((int)Math.Round(share * vehicles, MidpointRounding.AwayFromZero), 1, vehicles);
                for (var i = 0; i < count; i++)
                {
                    scenarios[(next + i) % vehicles].Add(assignment.Scenario);
                }

                next = (next + count) % vehicles;
            }
            else
            {
                foreach (var number in assignment.VehicleNumbers)
                {
                    scenarios[number - 1].Add(assignment.Scenario);
                }
            }
        }

        return scenarios;
    }
}
