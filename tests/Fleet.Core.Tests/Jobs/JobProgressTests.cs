using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Jobs;

/// <summary>Arrival with dwell and the ETA of DESIGN 5a, fix by fix.</summary>
public sealed class JobProgressTests
{
    private static readonly JobStop Stop = new(FixStream.Origin.Latitude, FixStream.Origin.Longitude, "12 Harbour Rd");
    private static readonly JobProgressSettings Settings = JobProgressSettings.Default;

    [Fact]
    public void Driving_past_the_stop_without_stopping_is_not_an_arrival()
    {
        // 40 km/h straight through the stop, a fix every 5 s: inside the 75 m radius for about 13 s.
        var steps = Drive(startMetersBefore: 500, speedKmh: 40, fixes: 20).ToList();

        Assert.Contains(steps, step => step.RemainingMeters <= Settings.ArrivalRadiusMeters);
        Assert.DoesNotContain(steps, step => step.Arrived);
    }

    [Fact]
    public void Stopping_at_the_stop_is_an_arrival_once_the_dwell_has_passed()
    {
        var state = JobProgressState.Start;
        var arrivedAfter = (double?)null;
        for (var second = 0; second <= 60; second += 5)
        {
            var step = JobProgress.Advance(state, Stop, GeoMath.Offset(FixStream.Origin, 20, 90), FixStream.At(second), 0, Settings);
            state = step.State;
            if (step.Arrived)
            {
                arrivedAfter = second;
                break;
            }
        }

        Assert.Equal(Settings.ArrivalDwellSeconds, arrivedAfter);
    }

    [Fact]
    public void Leaving_the_radius_starts_the_dwell_again()
    {
        var state = JobProgressState.Start;
        state = JobProgress.Advance(state, Stop, FixStream.Origin, FixStream.At(0), 0, Settings).State;
        state = JobProgress.Advance(state, Stop, GeoMath.Offset(FixStream.Origin, 200, 0), FixStream.At(20), 20, Settings).State;
        var back = JobProgress.Advance(state, Stop, FixStream.Origin, FixStream.At(35), 0, Settings);

        Assert.False(back.Arrived);
        Assert.Equal(FixStream.At(35), back.State.InsideStopSince);
    }

    [Fact]
    public void The_eta_falls_as_the_vehicle_approaches_and_matches_the_time_left_at_a_steady_speed()
    {
        var steps = Drive(startMetersBefore: 3_000, speedKmh: 36, fixes: 30).ToList();

        // 36 km/h = 10 m/s: the ETA is the distance left in seconds, once the average has settled on the speed.
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second.EtaSeconds < pair.First.EtaSeconds));
        Assert.All(steps, step => Assert.InRange(step.EtaSeconds, step.RemainingMeters / 10 * 0.8, step.RemainingMeters / 10 * 1.2));
    }

    [Fact]
    public void A_red_light_slows_the_eta_down_without_sending_it_to_the_floor()
    {
        var steps = Drive(startMetersBefore: 3_000, speedKmh: 36, fixes: 37).ToList();
        var beforeTheLight = steps[^1];
        var state = beforeTheLight.State;
        var position = GeoMath.Offset(FixStream.Origin, beforeTheLight.RemainingMeters, 270);
        JobProgressStep? afterTheLight = null;
        for (var second = 185; second <= 220; second += 5)
        {
            afterTheLight = JobProgress.Advance(state, Stop, position, FixStream.At(second), 0, Settings);
            state = afterTheLight.State;
        }

        // 40 s standing after 3 minutes at 10 m/s: the recent speed drops by a fifth or so, not to the 10 km/h floor.
        var floorEtaSeconds = beforeTheLight.RemainingMeters / (Settings.MinEtaSpeedKmh / 3.6);
        Assert.InRange(afterTheLight!.EtaSeconds, beforeTheLight.EtaSeconds * 1.1, beforeTheLight.EtaSeconds * 1.5);
        Assert.True(afterTheLight.EtaSeconds < floorEtaSeconds / 2);
    }

    [Fact]
    public void Driving_away_from_the_stop_gives_the_floor_eta_not_a_negative_one()
    {
        var state = JobProgressState.Start;
        JobProgressStep? step = null;
        for (var i = 0; i < 12; i++)
        {
            // Due west, away from a stop that lies to the east.
            step = JobProgress.Advance(state, Stop, GeoMath.Offset(FixStream.Origin, 500 + (50 * i), 270), FixStream.At(5 * i), 36, Settings);
            state = step.State;
        }

        Assert.Equal(step!.RemainingMeters / (Settings.MinEtaSpeedKmh / 3.6), step.EtaSeconds, 1);
    }

    [Fact]
    public void The_speed_that_counts_is_the_speed_towards_the_stop_so_streets_that_zigzag_there_are_accounted_for()
    {
        // 2 km south and 2 km west of the stop, at 10 m/s, one 250 m block east, one north, and so on: the road is 41 %
        // longer than the straight line, so the vehicle closes in at about 7 m/s.
        var state = JobProgressState.Start;
        JobProgressStep? step = null;
        var (east, north) = (-2_000.0, -2_000.0);
        for (var i = 0; i <= 36; i++)
        {
            if (i > 0)
            {
                (east, north) = (i - 1) / 5 % 2 == 0 ? (east + 50, north) : (east, north + 50);
            }

            var position = GeoMath.Offset(GeoMath.Offset(FixStream.Origin, north, 0), east, 90);
            step = JobProgress.Advance(state, Stop, position, FixStream.At(5 * i), 36, Settings);
            state = step.State;
        }

        var roadLeftMeters = Math.Abs(east) + Math.Abs(north);
        Assert.InRange(step!.EtaSeconds, roadLeftMeters / 10 * 0.9, roadLeftMeters / 10 * 1.1);
    }

    [Fact]
    public void A_second_fix_stamped_the_same_moment_leaves_the_recent_speed_as_it_was()
    {
        var state = Drive(startMetersBefore: 3_000, speedKmh: 36, fixes: 10).Last().State;

        // Another fix of the last moment, somewhere else (GPS jitter): no distance over no time.
        var again = JobProgress.Advance(state, Stop, GeoMath.Offset(FixStream.Origin, 2_500, 270), FixStream.At(45), 36, Settings);

        Assert.Equal((state.Last, state.ApproachSpeedMetersPerSecond, state.ApproachWeight), (again.State.Last, again.State.ApproachSpeedMetersPerSecond, again.State.ApproachWeight));
    }

    [Fact]
    public void A_stopped_vehicle_still_has_a_finite_eta_at_the_floor_speed()
    {
        var stopped = JobProgress.Advance(JobProgressState.Start, Stop, GeoMath.Offset(FixStream.Origin, 1_000, 90), FixStream.At(0), 0, Settings);

        Assert.Equal(1_000 / (Settings.MinEtaSpeedKmh / 3.6), stopped.EtaSeconds, 1);
    }

    [Fact]
    public void The_eta_is_pushed_at_most_every_15_s()
    {
        var pushed = Drive(startMetersBefore: 3_000, speedKmh: 36, fixes: 13, intervalSeconds: 5).Where(step => step.PushEta).Count();

        // Fixes at 0, 5, ..., 60 s: pushes at 0, 15, 30, 45 and 60 s.
        Assert.Equal(5, pushed);
    }

    [Theory]
    [InlineData(JobKind.Ride, JobStatus.Created, null)]
    [InlineData(JobKind.Ride, JobStatus.Assigned, null)]
    [InlineData(JobKind.Ride, JobStatus.EnRoute, "pickup")]
    [InlineData(JobKind.Ride, JobStatus.Arrived, "pickup")]
    [InlineData(JobKind.Ride, JobStatus.InProgress, "dropoff")]
    [InlineData(JobKind.Ride, JobStatus.Completed, null)]
    [InlineData(JobKind.Delivery, JobStatus.EnRoute, "dropoff")]
    [InlineData(JobKind.Delivery, JobStatus.Arrived, "dropoff")]
    [InlineData(JobKind.Shipment, JobStatus.EnRoute, "dropoff")]
    [InlineData(JobKind.Delivery, JobStatus.Cancelled, null)]
    public void A_ride_heads_for_the_rider_first_and_a_delivery_straight_for_the_customer(JobKind kind, JobStatus status, string? expected)
    {
        var pickup = new JobStop(1, 1, "pickup");
        var dropoff = new JobStop(2, 2, "dropoff");
        var job = new Job("j", "c", kind, pickup, dropoff, null, null, "v", "d", status, FixStream.Start, 1, []);

        Assert.Equal(expected, JobProgress.NextStop(job)?.Address);
    }

    /// <summary>A vehicle driving due east through the stop at a steady speed.</summary>
    private static IEnumerable<JobProgressStep> Drive(double startMetersBefore, double speedKmh, int fixes, int intervalSeconds = 5)
    {
        var state = JobProgressState.Start;
        for (var i = 0; i < fixes; i++)
        {
            var travelled = speedKmh / 3.6 * intervalSeconds * i;
            var position = GeoMath.Offset(FixStream.Origin, startMetersBefore - travelled, 270);
            var step = JobProgress.Advance(state, Stop, position, FixStream.At(i * intervalSeconds), speedKmh, Settings);
            state = step.State;
            yield return step;
        }
    }
}
