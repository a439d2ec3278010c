using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Realtime;

/// <summary>
/// Whoever the realtime service delivers a vehicle's group to must be in the record followers are read from, even when
/// one of the two writes fails: the record gains members first and loses them last.
/// </summary>
public sealed class RecordedRealtimeGroupsTests
{
    [Fact]
    public async Task A_join_reaches_the_record_before_the_service()
    {
        var log = new List<string>();
        var groups = new RecordedRealtimeGroups(new Logged("service", log), new Logged("record", log));

        await groups.AddUserAsync("vehicle:v-1", "u-1", CancellationToken.None);

        Assert.Equal(["record add vehicle:v-1 u-1", "service add vehicle:v-1 u-1"], log);
    }

    [Fact]
    public async Task Leaving_reaches_the_service_before_the_record()
    {
        var log = new List<string>();
        var groups = new RecordedRealtimeGroups(new Logged("service", log), new Logged("record", log));

        await groups.RemoveUserAsync("vehicle:v-1", "u-1", CancellationToken.None);
        await groups.RemoveUserFromAllGroupsAsync("u-1", CancellationToken.None);

        Assert.Equal(["service remove vehicle:v-1 u-1", "record remove vehicle:v-1 u-1", "service remove-all u-1", "record remove-all u-1"], log);
    }

    [Fact]
    public async Task A_service_that_fails_to_remove_leaves_the_record_untouched()
    {
        var log = new List<string>();
        var groups = new RecordedRealtimeGroups(new Logged("service", log, fail: true), new Logged("record", log));

        await Assert.ThrowsAsync<HttpRequestException>(() => groups.RemoveUserAsync("vehicle:v-1", "u-1", CancellationToken.None));

        Assert.DoesNotContain(log, entry => entry.StartsWith("record", StringComparison.Ordinal));
    }

    private sealed class Logged(string name, List<string> log, bool fail = false) : IRealtimeGroups
    {
        public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken) => Record($"add {group} {userId}");

        public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken) => Record($"remove {group} {userId}");

        public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken) => Record($"remove-all {userId}");

        private Task Record(string change)
        {
            if (fail)
            {
                throw new HttpRequestException("service unavailable");
            }

            log.Add($"{name} {change}");
            return Task.CompletedTask;
        }
    }
}
