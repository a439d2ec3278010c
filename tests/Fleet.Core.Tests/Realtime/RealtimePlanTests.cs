using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Realtime;

public sealed class RealtimePlanTests
{
    [Fact]
    public void Locations_of_a_batch_are_coalesced_into_one_message_per_group()
    {
        var first = Drive("v-1", "c-1", speedKmh: 50);
        var second = Drive("v-2", "c-1", speedKmh: 60);
        var other = Drive("v-3", "c-2", speedKmh: 70);

        var plan = RealtimePlan.Compose([first, second, other], [], new HashSet<string> { "v-2" });
        var messages = plan.Stamp(plan.SequenceCounts.ToDictionary(pair => pair.Key, pair => (long)pair.Value), FixStream.Start);
        var locations = messages.Where(message => message.Envelope.Type == RealtimeMessageTypes.VehicleLocationUpdate).ToList();

        Assert.Equal(
            ["company:c-1", "company:c-2", "vehicle:c-1:v-2"],
            locations.Select(message => message.Target.Name).Order(StringComparer.Ordinal));
        var companyOne = (LocationPayload[])locations.Single(message => message.Target.Name == "company:c-1").Envelope.Data;
        Assert.Equal(["v-1", "v-2"], companyOne.Select(location => location.VehicleId));

        // The company map gets each vehicle's newest position; the follower gets the whole track.
        Assert.Equal(first.Positions[^1].FixTime, companyOne[0].FixTime);
        var track = (LocationPayload[])locations.Single(message => message.Target.Name == "vehicle:c-1:v-2").Envelope.Data;
        Assert.Equal(second.Positions.Select(position => position.FixTime), track.Select(location => location.FixTime));
    }

    [Fact]
    public void Company_group_messages_take_the_allocated_sequence_range_and_the_others_none()
    {
        var outcome = Drive("v-1", "c-1", speedKmh: 50);
        var plan = RealtimePlan.Compose([outcome], outcome.Notices, new HashSet<string> { "v-1" });
        var companyCount = plan.SequenceCounts["c-1"];

        var messages = plan.Stamp(new Dictionary<string, long> { ["c-1"] = 100 }, FixStream.Start);

        var companySeqs = messages.Where(message => message.Target.Name == "company:c-1").Select(message => message.Envelope.Seq).ToList();
        Assert.Equal(Enumerable.Range(101 - companyCount, companyCount).Select(i => (long?)i), companySeqs);
        Assert.All(messages.Where(message => message.Target.Name != "company:c-1"), message => Assert.Null(message.Envelope.Seq));
        Assert.All(messages, message => Assert.Equal(FixStream.Start, message.Envelope.Timestamp));
    }

    [Fact]
    public void Status_changes_reach_followers_of_the_vehicle_but_alerts_do_not()
    {
        var notices = new[]
        {
            new RealtimeNotice(RealtimeMessageTypes.VehicleStatusUpdate, "c-1", "status", NoticeAudience.CompanyAndVehicle, "v-1"),
            new RealtimeNotice(RealtimeMessageTypes.Alert, "c-1", "alert", NoticeAudience.Company, "v-1"),
            new RealtimeNotice(RealtimeMessageTypes.Alert, "c-1", "private", NoticeAudience.User, "v-1", UserId: "u-9"),
        };

        var plan = RealtimePlan.Compose(notices, new HashSet<string> { "v-1" });
        var targets = plan.Stamp(new Dictionary<string, long> { ["c-1"] = 2 }, FixStream.Start)
            .Select(message => $"{message.Envelope.Type}->{message.Target.Kind}:{message.Target.Name}");

        Assert.Equal(
            [
                "vehicle_status_update->Group:company:c-1",
                "vehicle_status_update->Group:vehicle:c-1:v-1",
                "alert->Group:company:c-1",
                "alert->User:c-1/u-9",
            ],
            targets);
    }

    [Fact]
    public void Stamping_without_an_allocation_for_a_company_is_refused()
    {
        var plan = RealtimePlan.Compose([new RealtimeNotice(RealtimeMessageTypes.Alert, "c-1", "alert")], new HashSet<string>());

        Assert.Throws<InvalidOperationException>(() => plan.Stamp(new Dictionary<string, long> { ["c-2"] = 1 }, FixStream.Start));
    }

    private static Fleet.Core.Pipeline.VehicleBatchOutcome Drive(string vehicleId, string companyId, double speedKmh)
    {
        var context = TestFleet.Context(TestFleet.Vehicle(vehicleId, companyId));
        var fixes = new FixStream("dev-" + vehicleId).Drive(0, 20, FixStream.Origin, 0, speedKmh);
        return Fleet.Core.Pipeline.VehiclePipeline.Run(context, Fleet.Core.State.VehicleState.Initial(context.Vehicle), fixes);
    }
}
