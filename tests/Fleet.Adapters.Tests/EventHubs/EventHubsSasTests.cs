using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Adapters.EventHubs;

namespace Fleet.Adapters.Tests.EventHubs;

public sealed class EventHubsSasTests
{
    private const string Key = "fleet-local-dev-key";
    private const string KeyName = "RootManageSharedAccessKey";

    [Fact]
    public void A_token_matches_the_vector_computed_once_with_openssl()
    {
        // printf '%s\n%s' 'https%3A%2F%2Ffleet-ns.servicebus.windows.net%2Ftelemetry' 1795000000 \
        //   | openssl dgst -sha256 -hmac 'fleet-local-dev-key' -binary | base64
        const string Signature = "lAzpsyxcc9kJmDPsPbt4t9YFn+KrCD0k+RUODmSjTyA=";

        var token = EventHubsSas.Create(
            "https://fleet-ns.servicebus.windows.net/telemetry", KeyName, Key, DateTimeOffset.FromUnixTimeSeconds(1_795_000_000));

        Assert.Equal(
            "SharedAccessSignature sr=https%3A%2F%2Ffleet-ns.servicebus.windows.net%2Ftelemetry" +
            "&sig=lAzpsyxcc9kJmDPsPbt4t9YFn%2BKrCD0k%2BRUODmSjTyA%3D&se=1795000000&skn=RootManageSharedAccessKey",
            token);
        Assert.Contains("&sig=" + Uri.EscapeDataString(Signature) + "&", token, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signature_is_the_documented_hmac_of_the_escaped_uri_and_expiry_under_the_raw_key_bytes()
    {
        const string Resource = "http://127.0.0.1:7071/telemetry/publishers/sim-007";
        const string Expiry = "1800000123";
        var expected = Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes("another key")).ComputeHash(
            Encoding.UTF8.GetBytes("http%3A%2F%2F127.0.0.1%3A7071%2Ftelemetry%2Fpublishers%2Fsim-007\n" + Expiry)));

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Expiry, CultureInfo.InvariantCulture));

        var token = EventHubsSas.Create(Resource, "device", "another key", expiresAt);

        var fields = Fields(token);
        Assert.Equal(expected, Uri.UnescapeDataString(fields["sig"]));
        Assert.Equal(Resource, Uri.UnescapeDataString(fields["sr"]));
        Assert.Equal(Expiry, fields["se"]);
        Assert.Equal("device", fields["skn"]);
    }

    [Fact]
    public void The_expiry_is_truncated_to_whole_unix_seconds()
    {
        var token = EventHubsSas.Create("http://h/e", KeyName, Key, DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_999));

        Assert.Equal("1795000000", Fields(token)["se"]);
    }

    [Fact]
    public void A_key_name_with_separators_is_escaped_so_the_token_still_splits_into_four_fields()
    {
        var token = EventHubsSas.Create("http://h/e", "send&listen=1", Key, DateTimeOffset.FromUnixTimeSeconds(1_795_000_000));

        Assert.Equal("send&listen=1", Uri.UnescapeDataString(Fields(token)["skn"]));
    }

    [Fact]
    public void Creating_refuses_an_expiry_before_the_unix_epoch_and_empty_inputs()
    {
        var expiry = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => EventHubsSas.Create("http://h/e", KeyName, Key, DateTimeOffset.UnixEpoch.AddSeconds(-1)));
        Assert.Throws<ArgumentException>(() => EventHubsSas.Create("", KeyName, Key, expiry));
        Assert.Throws<ArgumentException>(() => EventHubsSas.Create("http://h/e", " ", Key, expiry));
        Assert.Throws<ArgumentException>(() => EventHubsSas.Create("http://h/e", KeyName, "", expiry));
    }

    [Fact]
    public void A_resource_names_the_namespace_hub_publisher_and_messages_uris()
    {
        var resource = new EventHubsResource(new Uri("http://127.0.0.1:7071"), "telemetry", "sim-001");

        Assert.Equal("http://127.0.0.1:7071", resource.NamespaceResourceUri);
        Assert.Equal("http://127.0.0.1:7071/telemetry", resource.EventHubResourceUri);
        Assert.Equal("http://127.0.0.1:7071/telemetry/publishers/sim-001", resource.ResourceUri);
        Assert.Equal(new Uri("http://127.0.0.1:7071/telemetry/publishers/sim-001/messages"), resource.MessagesUri);
        Assert.Equal(
            "https://ns.servicebus.windows.net/telemetry",
            new EventHubsResource(new Uri("https://ns.servicebus.windows.net/"), "telemetry").ResourceUri);
        Assert.Throws<ArgumentException>(() => new EventHubsResource(new Uri("http://h/"), "a/b"));
        Assert.Throws<ArgumentException>(() => new EventHubsResource(new Uri("http://h/"), "telemetry", "a/b"));
        Assert.Throws<ArgumentException>(() => new EventHubsResource(new Uri("http://h/?x=1"), "telemetry"));
    }

    internal static Dictionary<string, string> Fields(string token)
    {
        Assert.StartsWith("SharedAccessSignature ", token, StringComparison.Ordinal);
        return token["SharedAccessSignature ".Length..].Split('&')
            .Select(field => field.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
    }
}
