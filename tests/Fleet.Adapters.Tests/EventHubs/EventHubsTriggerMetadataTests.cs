using System.Text.Json;
using Fleet.Adapters.EventHubs;

namespace Fleet.Adapters.Tests.EventHubs;

/// <summary>The partition id of a Functions trigger batch, read from the binding data as the isolated worker passes it.</summary>
public sealed class EventHubsTriggerMetadataTests
{
    private const string Context = """{"FullyQualifiedNamespace":"fleet.servicebus.windows.net","EventHubName":"telemetry","ConsumerGroup":"fleet","PartitionId":"12"}""";

    [Fact]
    public void The_partition_id_comes_from_the_partition_context_json_whatever_the_key_case()
    {
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["partitionContext"] = Context };

        Assert.Equal("12", EventHubsTriggerMetadata.PartitionId(bindingData));
    }

    [Fact]
    public void A_partition_context_already_parsed_is_read_too()
    {
        var bindingData = new Dictionary<string, object?> { ["PartitionContext"] = JsonDocument.Parse(Context).RootElement.Clone() };

        Assert.Equal("12", EventHubsTriggerMetadata.PartitionId(bindingData));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"EventHubName":"telemetry"}""")]
    [InlineData("""{"PartitionId":""}""")]
    [InlineData("""{"PartitionId":3}""")]
    [InlineData("[]")]
    public void Without_a_partition_id_the_batch_fails_rather_than_guess(string? context)
    {
        var bindingData = new Dictionary<string, object?> { ["PartitionContext"] = context };

        var error = Assert.Throws<InvalidOperationException>(() => EventHubsTriggerMetadata.PartitionId(bindingData));

        Assert.Contains("PartitionContext.PartitionId", error.Message, StringComparison.Ordinal);
    }
}
