using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Adapters.EventHubs;

namespace Fleet.Adapters.Tests.EventHubs;

public sealed class EventHubsSasValidatorTests
{
    private const string Key = "fleet-local-dev-key";
    private const string KeyName = "RootManageSharedAccessKey";
    private static readonly Uri Namespace = new("http://127.0.0.1:7071/");
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset InAnHour = Now.AddHours(1);

    private readonly ManualClock _clock = new(Now);
    private readonly EventHubsSasValidator _validator;

    public EventHubsSasValidatorTests()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { [KeyName] = Key, ["device"] = "device key" };
        _validator = new EventHubsSasValidator(name => keys.GetValueOrDefault(name), _clock);
    }

    private static EventHubsResource Hub => new(Namespace, "telemetry");

    private static EventHubsResource Publisher(string publisher) => new(Namespace, "telemetry", publisher);

    [Fact]
    public void A_token_for_the_hub_is_valid_on_the_hub_path_and_on_any_publisher_path_without_naming_a_publisher()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour);

        AssertValid(_validator.Validate(token, Hub), publisher: null);
        AssertValid(_validator.Validate(token, Publisher("sim-001")), publisher: null);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071")]
    [InlineData("http://127.0.0.1:7071/")]
    public void A_token_for_the_namespace_is_valid_on_every_path(string namespaceUri)
    {
        var token = EventHubsSas.Create(namespaceUri, KeyName, Key, InAnHour);

        AssertValid(_validator.Validate(token, Hub), publisher: null);
        AssertValid(_validator.Validate(token, Publisher("sim-002")), publisher: null);
    }

    [Theory]
    [InlineData("HTTP://127.0.0.1:7071/TELEMETRY")]
    [InlineData("http://127.0.0.1:7071/Telemetry/")]
    [InlineData("HTTP://127.0.0.1:7071")]
    public void The_resource_is_compared_ignoring_case_and_a_trailing_slash(string resourceUri)
    {
        var token = EventHubsSas.Create(resourceUri, KeyName, Key, InAnHour);

        AssertValid(_validator.Validate(token, Hub), publisher: null);
    }

    [Fact]
    public void A_publisher_token_is_valid_on_its_own_publisher_path_and_carries_the_publisher()
    {
        var token = EventHubsSas.Create(Publisher("sim-001").ResourceUri, "device", "device key", InAnHour);

        AssertValid(_validator.Validate(token, Publisher("sim-001")), publisher: "sim-001");
        AssertValid(_validator.Validate(token, Publisher("SIM-001")), publisher: "sim-001");
    }

    [Fact]
    public void A_publisher_token_is_refused_on_the_hub_path()
    {
        var token = EventHubsSas.Create(Publisher("sim-001").ResourceUri, "device", "device key", InAnHour);

        AssertFailed(_validator.Validate(token, Hub), SasFailure.WrongResource, token);
    }

    [Fact]
    public void A_publisher_token_is_refused_on_another_publishers_path()
    {
        var token = EventHubsSas.Create(Publisher("sim-001").ResourceUri, "device", "device key", InAnHour);

        AssertFailed(_validator.Validate(token, Publisher("sim-002")), SasFailure.WrongResource, token);
        AssertFailed(_validator.Validate(token, Publisher("sim-0011")), SasFailure.WrongResource, token);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071/orders")]
    [InlineData("http://127.0.0.1:7071/telemetry2")]
    [InlineData("http://127.0.0.1:7072/telemetry")]
    [InlineData("https://fleet.servicebus.windows.net/telemetry")]
    [InlineData("http://127.0.0.1:7071/telemetry/partitions/0")]
    [InlineData("http://127.0.0.1:7071/telemetry/publishers/")]
    [InlineData("http://127.0.0.1:7071/telemetry/publishers/sim-001/messages")]
    public void A_token_for_another_resource_is_refused(string resourceUri)
    {
        var token = EventHubsSas.Create(resourceUri, KeyName, Key, InAnHour);

        AssertFailed(_validator.Validate(token, Publisher("sim-001")), SasFailure.WrongResource, token);
    }

    [Fact]
    public void A_token_is_valid_until_the_second_it_expires()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour);

        _clock.Now = InAnHour.AddMilliseconds(-1);
        AssertValid(_validator.Validate(token, Hub), publisher: null);

        _clock.Now = InAnHour;
        AssertFailed(_validator.Validate(token, Hub), SasFailure.Expired, token);

        _clock.Now = InAnHour.AddDays(3);
        AssertFailed(_validator.Validate(token, Hub), SasFailure.Expired, token);
    }

    [Fact]
    public void A_signature_altered_in_one_character_is_refused()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour);
        var signature = EventHubsSasTests.Fields(token)["sig"];
        var tampered = (signature[0] == 'A' ? "B" : "A") + signature[1..];

        var altered = token.Replace(signature, tampered, StringComparison.Ordinal);

        AssertFailed(_validator.Validate(altered, Hub), SasFailure.BadSignature, token);
    }

    [Fact]
    public void A_signature_of_the_wrong_length_is_refused()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour);
        var signature = EventHubsSasTests.Fields(token)["sig"];
        var bytes = Convert.FromBase64String(Uri.UnescapeDataString(signature));
        var truncated = token.Replace(signature, Uri.EscapeDataString(Convert.ToBase64String(bytes[..31])), StringComparison.Ordinal);

        AssertFailed(_validator.Validate(truncated, Hub), SasFailure.BadSignature, token);
    }

    [Fact]
    public void Extending_the_expiry_or_changing_the_resource_without_the_key_breaks_the_signature()
    {
        var token = EventHubsSas.Create(Publisher("sim-001").ResourceUri, "device", "device key", InAnHour);
        var fields = EventHubsSasTests.Fields(token);
        var later = InAnHour.AddDays(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var extended = token.Replace("se=" + fields["se"], "se=" + later, StringComparison.Ordinal);
        var widened = token.Replace("sr=" + fields["sr"], "sr=" + Uri.EscapeDataString(Hub.ResourceUri), StringComparison.Ordinal);

        AssertFailed(_validator.Validate(extended, Publisher("sim-001")), SasFailure.BadSignature, token);
        AssertFailed(_validator.Validate(widened, Hub), SasFailure.BadSignature, token);
    }

    [Fact]
    public void A_token_signed_with_another_key_under_a_known_name_is_refused()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, "not-the-key", InAnHour);

        AssertFailed(_validator.Validate(token, Hub), SasFailure.BadSignature, token);
    }

    [Fact]
    public void A_token_under_an_unknown_key_name_is_refused()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, "SendOnly", Key, InAnHour);

        AssertFailed(_validator.Validate(token, Hub), SasFailure.UnknownKeyName, token);
    }

    [Fact]
    public void The_order_of_the_fields_does_not_matter()
    {
        var fields = EventHubsSasTests.Fields(EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour));
        var token = $"SharedAccessSignature skn={fields["skn"]}&se={fields["se"]}&sig={fields["sig"]}&sr={fields["sr"]}";

        AssertValid(_validator.Validate(token, Hub), publisher: null);
    }

    [Fact]
    public void The_signature_covers_sr_as_the_signer_escaped_it()
    {
        // A JavaScript client's encodeURIComponent leaves '(' and ')' alone where .NET escapes them, and lower-case
        // hex is as valid as upper-case: the service checks what was signed, not a re-escaped copy.
        var resource = new EventHubsResource(Namespace, "telemetry", "van(7)");
        const string Escaped = "http%3a%2f%2f127.0.0.1%3a7071%2ftelemetry%2fpublishers%2fvan(7)";
        var expiry = InAnHour.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(Escaped + "\n" + expiry)));
        var token = $"SharedAccessSignature sr={Escaped}&sig={Uri.EscapeDataString(signature)}&se={expiry}&skn={KeyName}";

        AssertValid(_validator.Validate(token, resource), publisher: "van(7)");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")]
    [InlineData("SharedAccessSignatures sr=a&sig=b&se=1&skn=c")]
    public void A_request_without_a_sas_authorization_is_refused_as_missing(string? authorization)
    {
        AssertFailed(_validator.Validate(authorization, Hub), SasFailure.Missing, token: null);
    }

    public static TheoryData<string> MalformedTokens()
    {
        var fields = EventHubsSasTests.Fields(EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour));
        string sr = "sr=" + fields["sr"], sig = "sig=" + fields["sig"], se = "se=" + fields["se"], skn = "skn=" + fields["skn"];
        string Token(params string[] parts) => "SharedAccessSignature " + string.Join('&', parts);
        return new TheoryData<string>
        {
            "SharedAccessSignature",
            "SharedAccessSignature ",
            "SharedAccessSignature !!garbage!!",
            Token(sig, se, skn),
            Token(sr, se, skn),
            Token(sr, sig, skn),
            Token(sr, sig, se),
            Token(sr, sig, se, skn, sr),
            Token(sr, sig, se, skn, "SKN=" + fields["skn"]),
            Token(sr, sig, se, skn, "sv=2020-01-01"),
            Token(sr, sig, se, skn, ""),
            Token(sr, sig, se, "skn="),
            Token(sr, sig, se, skn, "=x"),
            Token(sr, sig, "se=soon", skn),
            Token(sr, sig, "se=-1", skn),
            Token(sr, sig, "se=1.5", skn),
            Token(sr, sig, "se=99999999999999999999", skn),
            Token(sr, "sig=not%20base64!", se, skn),
            Token(sr, sig, se) + "&" + skn.Replace("=", "", StringComparison.Ordinal),
        };
    }

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void A_token_without_exactly_the_four_fields_well_formed_is_refused_as_malformed(string authorization)
    {
        AssertFailed(_validator.Validate(authorization, Hub), SasFailure.Malformed, authorization);
    }

    [Fact]
    public void The_scheme_is_matched_ignoring_case_and_surrounding_spaces()
    {
        var token = EventHubsSas.Create(Hub.ResourceUri, KeyName, Key, InAnHour);

        var spaced = "  sharedaccesssignature  " + token["SharedAccessSignature ".Length..] + " ";

        AssertValid(_validator.Validate(spaced, Hub), publisher: null);
    }

    private static void AssertValid(SasValidation validation, string? publisher)
    {
        Assert.True(validation.Succeeded, $"{validation.Failure}: {validation.Reason}");
        Assert.Null(validation.Failure);
        Assert.Null(validation.Reason);
        Assert.Equal(publisher, validation.Publisher);
    }

    private static void AssertFailed(SasValidation validation, SasFailure failure, string? token)
    {
        Assert.False(validation.Succeeded);
        Assert.Equal(failure, validation.Failure);
        Assert.Null(validation.Publisher);
        Assert.False(string.IsNullOrWhiteSpace(validation.Reason));
        if (token is not null && token.Contains("sig=", StringComparison.Ordinal))
        {
            var signature = token.Split('&', ' ').First(part => part.StartsWith("sig=", StringComparison.Ordinal))["sig=".Length..];
            if (signature.Length > 0)
            {
                Assert.DoesNotContain(signature, validation.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.UnescapeDataString(signature), validation.ToString(), StringComparison.Ordinal);
            }
        }
    }
}
