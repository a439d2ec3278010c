namespace Fleet.Core.Pipeline;

/// <summary>Maintenance (DESIGN 5): the odometer crossing the next multiple of the service interval.</summary>
public static class MaintenanceDetector
{
    /// <returns>The service milestone crossed, in km, or null.</returns>
    public static double? Crossed(double odometerBeforeKm, double odometerAfterKm, double serviceIntervalKm)
    {
        if (serviceIntervalKm <= 0 || odometerAfterKm <= odometerBeforeKm)
        {
            return null;
        }

        var before = Math.Floor(odometerBeforeKm / serviceIntervalKm);
        var after = Math.Floor(odometerAfterKm / serviceIntervalKm);
        return after > before ? after * serviceIntervalKm : null;
    }
}
