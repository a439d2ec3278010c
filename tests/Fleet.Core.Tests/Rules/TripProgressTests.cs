using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

/// <summary>
/// A trip under way is announced with its distance, top speed and duration so far: a reviewer saw 21 open trips summing
/// to 1.57 km against 146 km on the odometers, with frozen top speeds and durations.
/// </summary>
public sealed class TripProgressTests
{
    [Fact]
    public void A_trip_under_way_is_announced_every_minute_with_its_distance_top_speed_and_duration_so_far()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, FixStream.Origin, ignition: true));
        var first = device.Drive(65, 60, FixStream.Origin, 0, 40);
        var faster = device.Drive(130, 60, first[^1].Position, 0, 60);
        run.OneByOne([.. first, .. faster]);

        var updates = run.NoticesOf<TripPayload>(RealtimeMessageTypes.TripUpdate).ToList();
        Assert.All(updates, update => Assert.Equal("started", update.Status));

        // Left after the fix at 60 s; announced at 120 and 180 s of fix time.
        Assert.Equal([0, 60, 120], updates.Select(update => update.DurationSeconds ?? 0));
        var latest = updates[^1];
        Assert.Equal(FixStream.At(60), latest.StartTime);
        Assert.Equal(60, latest.MaxSpeedKmh);
        Assert.Equal(Math.Round(OdometerAt(run, 180) - OdometerAt(run, 60), 3), latest.DistanceKm);
        Assert.InRange(latest.DistanceKm, 1.5, 1.6);
        Assert.Equal(Math.Round(latest.DistanceKm / 120 * 3600, 1), latest.AverageSpeedKmh!.Value, 0.1);
    }

    private static double OdometerAt(PipelineRun run, double seconds) =>
        run.Positions.Single(position => position.Fix.FixTime == FixStream.At(seconds)).OdometerKm!.Value;
}
