using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Whether the vehicle is moving right now, for its status: independent of trips, which wait for 200 m or three
/// minutes before they exist. A change needs two fixes in a row that disagree with the current state, or one that does
/// so beyond doubt (a speed no GPS jitter produces, ignition off), so a parked vehicle's wandering fixes and a single
/// slow fix in traffic do not make the status flap.
/// </summary>
public static class LiveMotionDetector
{
    public static LiveMotion Apply(LiveMotion motion, FixStep step, TripSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var moving = IndicatesMoving(step, settings);
        if (step.Previous is null || step.SincePrevious > settings.MaxDataGap)
        {
            // Nothing is known about what came before: this fix alone decides.
            return new LiveMotion(moving, ChangePending: false);
        }

        if (moving == motion.Moving)
        {
            return motion.ChangePending ? motion with { ChangePending = false } : motion;
        }

        // Ignition off as this fix reports it, not carried over from an earlier one: a device that reports ignition only
        // when it changes would otherwise stop a vehicle at its first slow fix.
        var beyondDoubt = moving ? step.SpeedKmh >= settings.ClearlyMovingSpeedKmh : step.Fix.Ignition == false;
        return beyondDoubt || motion.ChangePending ? new LiveMotion(moving, ChangePending: false) : motion with { ChangePending = true };
    }

    /// <summary>
    /// A reported speed is the receiver's Doppler measurement and is trusted; a speed derived from two positions counts
    /// only once the odometer accepted the move, which it does not for a parked vehicle's drift or a single spike.
    /// </summary>
    private static bool IndicatesMoving(FixStep step, TripSettings settings) =>
        settings.IsMoving(step.SpeedKmh) && (step.Fix.SpeedKmh is not null || step.OdometerKm > step.OdometerBeforeKm);
}
