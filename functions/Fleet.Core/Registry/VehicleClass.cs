namespace Fleet.Core.Registry;

/// <summary>Selects harsh-driving thresholds: heavier vehicles cannot brake or accelerate as hard.</summary>
public enum VehicleClass
{
    PassengerCar,
    LightTruck,
    HeavyTruck,
}
