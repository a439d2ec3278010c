using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Alerts;

public sealed class AlertFactoryTests
{
    private static readonly AlertOrigin Origin = new(TestFleet.Vehicle(), "drv-1", FixStream.Start, TimeSpan.FromHours(24));

    [Fact]
    public void Ids_depend_only_on_vehicle_type_and_episode()
    {
        var a = DeterministicId.ForAlert("v-1", AlertType.FuelTheft, FixStream.Start);

        Assert.Equal(a, DeterministicId.ForAlert("v-1", AlertType.FuelTheft, FixStream.Start));
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, DeterministicId.ForAlert("v-2", AlertType.FuelTheft, FixStream.Start));
        Assert.NotEqual(a, DeterministicId.ForAlert("v-1", AlertType.Maintenance, FixStream.Start));
        Assert.NotEqual(a, DeterministicId.ForAlert("v-1", AlertType.FuelTheft, FixStream.Start.AddTicks(1)));

        // The same instant written with another offset is the same episode.
        Assert.Equal(a, DeterministicId.ForAlert("v-1", AlertType.FuelTheft, FixStream.Start.ToOffset(TimeSpan.FromHours(8))));
    }

    [Fact]
    public void Alerts_expire_a_time_to_live_after_the_system_learned_of_them()
    {
        var alert = AlertFactory.FuelTheft(Origin, FixStream.At(-300), FixStream.At(-10), 6, 3.6, FixStream.Origin);

        Assert.Equal(FixStream.Start, alert.CreatedAt);
        Assert.Equal(FixStream.Start.AddHours(24), alert.ExpiresAt);
        Assert.Equal(FixStream.At(-10), alert.EventTime);
        Assert.Equal(("c-1", "v-1", "drv-1"), (alert.CompanyId, alert.VehicleId, alert.DriverId));
    }

    [Theory]
    [InlineData(0.10, AlertSeverity.Low)]
    [InlineData(0.1001, AlertSeverity.Medium)]
    [InlineData(0.25, AlertSeverity.Medium)]
    [InlineData(0.2501, AlertSeverity.High)]
    [InlineData(0.50, AlertSeverity.High)]
    [InlineData(0.5001, AlertSeverity.Critical)]
    public void Speeding_severity_follows_the_excess(double excessRatio, AlertSeverity expected) =>
        Assert.Equal(expected, AlertFactory.SpeedingSeverity(excessRatio, new Settings.SpeedingSettings()));

    [Fact]
    public void Messages_are_written_for_people()
    {
        var maintenance = AlertFactory.MaintenanceDue(Origin, FixStream.Start, 20_000.4, 20_000);
        var offline = AlertFactory.Offline(Origin, FixStream.Start, TimeSpan.FromMinutes(5), new GeoPoint(25, 121));

        Assert.Equal("Service due: Truck v-1", maintenance.Title);
        Assert.Equal("Truck v-1 has reached 20,000 km: its scheduled service is due.", maintenance.Message);
        Assert.Equal("Truck v-1 is offline", offline.Title);
        Assert.Equal("No data from Truck v-1 since its last report (offline after 5 min of silence).", offline.Message);
        Assert.Equal(FixStream.Start, offline.Details!.LastSeen);
    }

    [Fact]
    public void Alert_texts_carry_no_clock_time_which_is_data_the_page_shows_in_the_company_time_zone()
    {
        // Issue 18: "15:26:03 UTC" in a message sat next to local times in the page.
        var fence = new Geofence("g-1", "c-1", "Depot", new CircleShape(new GeoPoint(25, 121), 100));
        var entered = AlertFactory.Geofence(Origin, fence, GeofenceTransition.Enter, FixStream.Start, new GeoPoint(25, 121), crossing: false);
        var crossed = AlertFactory.Geofence(Origin, fence, GeofenceTransition.Exit, FixStream.Start, new GeoPoint(25, 121), crossing: true);
        var offline = AlertFactory.Offline(Origin, FixStream.Start, TimeSpan.FromMinutes(5), null);

        Assert.All([entered, crossed, offline], alert =>
        {
            Assert.DoesNotContain("UTC", alert.Message, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\d{2}:\d{2}", alert.Message);
            Assert.Equal(FixStream.Start, alert.EventTime);
        });
    }

    [Theory]
    [InlineData(40, "40 s")]
    [InlineData(89, "89 s")]
    [InlineData(90, "2 min")]
    [InlineData(5_399, "90 min")]
    [InlineData(5_400, "1.5 h")]
    public void Durations_read_naturally(double seconds, string expected) =>
        Assert.Equal(expected, AlertFactory.Describe(TimeSpan.FromSeconds(seconds)));
}
