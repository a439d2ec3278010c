using System.Text;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Telemetry;

/// <summary>
/// Bad input as devices, proxies and attackers produce it. Each entry must become a reason-coded rejection (DESIGN 2.3,
/// 7.1): never an exception, never a fix.
/// </summary>
public sealed class MalformedCorpusTests
{
    private const string ValidTime = "\"2026-11-21T08:05:00Z\"";

    private static readonly DateTimeOffset Enqueued = FixStream.Start.AddMinutes(10);

    private static readonly IReadOnlyList<BadInput> Corpus = BuildCorpus();

    public static TheoryData<string> CorpusNames => [.. Corpus.Select(entry => entry.Name)];

    [Fact]
    public void Corpus_has_at_least_sixty_pairwise_distinct_entries()
    {
        Assert.True(Corpus.Count >= 60, $"only {Corpus.Count} entries");
        Assert.Equal(Corpus.Count, Corpus.Select(entry => entry.Name).Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < Corpus.Count; i++)
        {
            for (var j = i + 1; j < Corpus.Count; j++)
            {
                Assert.False(
                    Corpus[i].Body.AsSpan().SequenceEqual(Corpus[j].Body),
                    $"'{Corpus[i].Name}' and '{Corpus[j].Name}' are the same bytes");
            }
        }
    }

    [Fact]
    public void Corpus_covers_every_reason_the_parser_can_give()
    {
        Assert.Equal(
            [
                RejectionReason.MalformedJson, RejectionReason.InvalidEncoding, RejectionReason.NotAnObject, RejectionReason.TooLarge,
                RejectionReason.MissingField, RejectionReason.InvalidField, RejectionReason.DuplicateField, RejectionReason.InvalidTimestamp,
            ],
            Corpus.Select(entry => entry.Reason).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Rejects_each_corpus_entry_with_its_reason(string name)
    {
        var entry = Corpus.Single(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal));
        var metadata = new EventMetadata("5", 77, Enqueued);
        ParsedTelemetry parsed = default;

        var exception = Record.Exception(() => parsed = TelemetryParser.Parse(new TelemetryEvent(entry.Body, metadata)));

        Assert.Null(exception);
        Assert.Null(parsed.Fix);
        var rejection = Assert.IsType<TelemetryRejection>(parsed.Rejection);
        Assert.Equal(entry.Reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
        if (entry.Detail is { } detail)
        {
            Assert.Contains(detail, rejection.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("device_id \"dev-1\" twice", "dev-1")]
    [InlineData("speed as a string", "dev-1")]
    [InlineData("missing timestamp", "dev-1")]
    [InlineData("timestamp not a date", "dev-1")]
    [InlineData("missing device_id", null)]
    [InlineData("device_id as a number", null)]
    [InlineData("speed above 2000", "dev-1")]
    public void Keeps_the_device_id_of_a_rejected_event_when_it_was_read(string name, string? deviceId)
    {
        var entry = Corpus.Single(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal));

        var parsed = TelemetryParser.Parse(new TelemetryEvent(entry.Body, default));

        Assert.Equal(deviceId, parsed.Rejection?.DeviceId);
    }

    [Fact]
    public void Accepts_a_body_with_a_sixty_kilobyte_unknown_field()
    {
        var body = Encoding.UTF8.GetBytes(Json(("comment", Quote(new string('x', 60 * 1024)))));

        var parsed = TelemetryParser.Parse(new TelemetryEvent(body, default));

        Assert.Null(parsed.Rejection);
        Assert.Equal("dev-1", parsed.Fix?.DeviceId);
    }

    [Fact]
    public void Accepts_nesting_up_to_the_limit_in_an_unknown_field()
    {
        var body = Encoding.UTF8.GetBytes(Json(("extra", Nested(TelemetryParser.MaxNestingDepth - 1))));

        var parsed = TelemetryParser.Parse(new TelemetryEvent(body, default));

        Assert.Null(parsed.Rejection);
        Assert.Equal("dev-1", parsed.Fix?.DeviceId);
    }

    [Fact]
    public void Accepts_a_body_of_exactly_the_size_limit_and_rejects_one_byte_more()
    {
        var exact = Padded(TelemetryParser.MaxEventBytes);
        var over = Padded(TelemetryParser.MaxEventBytes + 1);

        Assert.Equal(TelemetryParser.MaxEventBytes, exact.Length);
        Assert.NotNull(TelemetryParser.Parse(new TelemetryEvent(exact, default)).Fix);
        Assert.Equal(RejectionReason.TooLarge, TelemetryParser.Parse(new TelemetryEvent(over, default)).Rejection?.Reason);
    }

    [Fact]
    public async Task A_batch_mixing_the_whole_corpus_with_valid_events_dead_letters_each_bad_one_and_stores_the_rest()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var valid = Enumerable.Range(0, 6)
            .Select(i => TelemetryJson.Event(
                TelemetryJson.Fix("dev-1", FixStream.At(60 + (i * 10)), 25.0330 + (i * 0.0002), 121.5654, speedKmh: 30),
                sequenceNumber: 1 + i,
                partitionId: "0"))
            .ToList();
        var bad = Corpus.Select((entry, i) => TelemetryJson.Event(entry.Body, 1_000 + i, Enqueued, partitionId: "1")).ToList();
        var batch = Interleave(bad, valid);

        var exception = await Record.ExceptionAsync(() => harness.SendAsync(batch));

        Assert.Null(exception);
        var deadLetters = harness.Store.DeadLetters();
        Assert.Equal(Corpus.Count, deadLetters.Count);
        for (var i = 0; i < Corpus.Count; i++)
        {
            var entry = Corpus[i];
            var letter = Assert.Single(deadLetters, letter => letter.Source == bad[i].Metadata);
            Assert.Equal((entry.Name, entry.Reason.ToCode()), (entry.Name, letter.Reason.ToCode()));
            Assert.Equal(entry.Body.Length, letter.BodyLength);
            var kept = entry.Body.Length > TelemetryParser.MaxEventBytes ? entry.Body[..TelemetryParser.MaxEventBytes] : entry.Body;
            Assert.True(letter.Body.Span.SequenceEqual(kept), $"the body of '{entry.Name}' was not kept");
        }

        var positions = harness.Store.PositionsOf("c-1", "v-1");
        Assert.Equal(Enumerable.Range(0, 6).Select(i => FixStream.At(60 + (i * 10))), positions.Select(position => position.FixTime));
        Assert.All(positions, position => Assert.Equal("0", position.PartitionId));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), positions.Select(position => position.SequenceNumber));
    }

    [Fact]
    public async Task A_batch_dead_letters_semantic_rejections_with_their_codes_and_stores_the_valid_neighbours()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var enqueued = FixStream.At(600);
        var batch = new List<TelemetryEvent>
        {
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(540), 25.0330, 121.5654, speedKmh: 20), 1, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-9", FixStream.At(545), 25.0331, 121.5654), 2, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(550), 91, 121.5654), 3, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(551), 25.0331, -180.5), 4, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(555), 0, 0), 5, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", enqueued.AddMinutes(10), 25.0332, 121.5654), 6, enqueued),
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", enqueued.AddDays(-8), 25.0332, 121.5654), 7, enqueued),
            TelemetryJson.Event(WithField(TelemetryJson.Fix("dev-1", FixStream.At(560), 25.0333, 121.5654), "accuracy", "250"), 8, enqueued),
            new(
                Encoding.UTF8.GetBytes(TelemetryJson.Fix("dev-1", FixStream.At(565), 25.0334, 121.5654)),
                new EventMetadata("0", 9, enqueued, Publisher: "dev-2")),
            new(
                Encoding.UTF8.GetBytes(TelemetryJson.Fix("dev-1", FixStream.At(570), 25.0335, 121.5654, speedKmh: 20)),
                new EventMetadata("0", 10, enqueued, Publisher: "dev-1")),
            TelemetryJson.Event(WithField(TelemetryJson.Fix("dev-1", FixStream.At(580), 25.0336, 121.5654), "accuracy", "200"), 11, enqueued),
        };

        var result = await harness.SendAsync(batch);

        var codes = harness.Store.DeadLetters().ToDictionary(letter => letter.Source.SequenceNumber, letter => letter.Reason.ToCode());
        Assert.Equal(
            new Dictionary<long, string>
            {
                [2] = "unknown_device",
                [3] = "invalid_coordinates",
                [4] = "invalid_coordinates",
                [5] = "zero_fix",
                [6] = "future_timestamp",
                [7] = "stale_timestamp",
                [8] = "low_accuracy",
                [9] = "publisher_mismatch",
            },
            codes);
        Assert.Equal(8, result.DeadLetters);
        Assert.Equal(
            [FixStream.At(540), FixStream.At(570), FixStream.At(580)],
            harness.Store.PositionsOf("c-1", "v-1").Select(position => position.FixTime));
    }

    [Fact]
    public async Task Dead_letters_keep_the_raw_body_their_stream_position_and_the_owner_when_the_device_is_known()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var unparsable = new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D };
        var missing = Encoding.UTF8.GetBytes("""{"device_id":"dev-1","latitude":1,"longitude":2}""");
        var zero = Encoding.UTF8.GetBytes(TelemetryJson.Fix("dev-1", FixStream.At(60), 0, 0));
        var unknown = Encoding.UTF8.GetBytes(TelemetryJson.Fix("dev-404", FixStream.At(60), 1, 2));
        var batch = new List<TelemetryEvent>
        {
            TelemetryJson.Event(unparsable, 40, partitionId: "2"),
            TelemetryJson.Event(missing, 41, partitionId: "2"),
            TelemetryJson.Event(zero, 7, partitionId: "3"),
            TelemetryJson.Event(unknown, 8, partitionId: "3"),
        };

        await harness.SendAsync(batch);

        var letters = harness.Store.DeadLetters().OrderBy(letter => letter.Source.PartitionId, StringComparer.Ordinal).ThenBy(letter => letter.Source.SequenceNumber).ToList();
        Assert.Equal(
            [
                ("2", 40L, "invalid_encoding", (string?)null, (string?)null, (string?)null, Convert.ToHexString(unparsable)),
                ("2", 41L, "missing_field", "dev-1", "v-1", "c-1", Convert.ToHexString(missing)),
                ("3", 7L, "zero_fix", "dev-1", "v-1", "c-1", Convert.ToHexString(zero)),
                ("3", 8L, "unknown_device", "dev-404", null, null, Convert.ToHexString(unknown)),
            ],
            letters.Select(letter => (
                letter.Source.PartitionId, letter.Source.SequenceNumber, letter.Reason.ToCode(), letter.DeviceId, letter.VehicleId,
                letter.CompanyId, Convert.ToHexString(letter.Body.Span))));
        Assert.All(letters, letter => Assert.Equal(letter.Body.Length, letter.BodyLength));
        Assert.All(letters, letter => Assert.Equal(Enqueued, letter.Source.EnqueuedTime));
    }

    [Fact]
    public async Task Replaying_a_batch_of_bad_events_writes_each_dead_letter_once()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var batch = Corpus.Take(20).Select((entry, i) => TelemetryJson.Event(entry.Body, 500 + i, Enqueued)).ToList();

        await harness.SendAsync(batch);
        await harness.SendAsync(batch);

        Assert.Equal(20, harness.Store.DeadLetters().Count);
    }

    private static List<TelemetryEvent> Interleave(List<TelemetryEvent> bad, List<TelemetryEvent> valid)
    {
        var batch = new List<TelemetryEvent>();
        var every = Math.Max(1, bad.Count / (valid.Count + 1));
        var nextValid = 0;
        for (var i = 0; i < bad.Count; i++)
        {
            if (i % every == 0 && nextValid < valid.Count)
            {
                batch.Add(valid[nextValid++]);
            }

            batch.Add(bad[i]);
        }

        batch.AddRange(valid.Skip(nextValid));
        return batch;
    }

    private static IReadOnlyList<BadInput> BuildCorpus()
    {
        var corpus = new List<BadInput>();
        var valid = Json();
        var withoutClose = valid[..^1];

        void Add(string name, string json, RejectionReason reason, string? detail = null) =>
            corpus.Add(new BadInput(name, Encoding.UTF8.GetBytes(json), reason, detail));

        void AddBytes(string name, byte[] body, RejectionReason reason, string? detail = null) =>
            corpus.Add(new BadInput(name, body, reason, detail));

        Add("empty body", "", RejectionReason.MalformedJson, "empty body");
        Add("white space only", " \t\r\n  ", RejectionReason.MalformedJson, "empty body");
        AddBytes("byte order mark only", [0xEF, 0xBB, 0xBF], RejectionReason.MalformedJson, "empty body");
        AddBytes("byte order mark twice", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("\uFEFF" + valid)], RejectionReason.MalformedJson);
        Add("lone opening brace", "{", RejectionReason.MalformedJson);
        Add("truncated inside a number", withoutClose[..^4], RejectionReason.MalformedJson);
        Add("truncated inside a string", valid[..20], RejectionReason.MalformedJson);
        Add("truncated after a colon", "{\"device_id\":", RejectionReason.MalformedJson);
        Add("missing closing brace", withoutClose, RejectionReason.MalformedJson);
        Add("trailing comma in the object", withoutClose + ",}", RejectionReason.MalformedJson);
        Add("trailing comma in events", Json(("events", "[\"sos\",]")), RejectionReason.MalformedJson);
        Add("unterminated events array", withoutClose + ",\"events\":[\"sos\"}", RejectionReason.MalformedJson);
        Add("single quotes", valid.Replace('"', '\''), RejectionReason.MalformedJson);
        Add("unquoted property name", valid.Replace("\"device_id\"", "device_id", StringComparison.Ordinal), RejectionReason.MalformedJson);
        Add("missing colon", valid.Replace("\"latitude\":", "\"latitude\" ", StringComparison.Ordinal), RejectionReason.MalformedJson);
        Add("missing comma", valid.Replace(",\"longitude\"", " \"longitude\"", StringComparison.Ordinal), RejectionReason.MalformedJson);
        Add("line comment before the object", "// from the field unit\n" + valid, RejectionReason.MalformedJson);
        Add("block comment inside the object", withoutClose + "/* spare */}", RejectionReason.MalformedJson);
        Add("two objects back to back", valid + valid, RejectionReason.MalformedJson);
        Add("two objects on two lines", valid + "\n" + valid, RejectionReason.MalformedJson);
        Add("trailing garbage", valid + "x", RejectionReason.MalformedJson);
        Add("trailing closing bracket", valid + " ]", RejectionReason.MalformedJson);
        Add("trailing zero byte", valid + "\0", RejectionReason.MalformedJson);
        Add("literal NaN", Json(("speed", "NaN")), RejectionReason.MalformedJson);
        Add("literal Infinity", Json(("speed", "Infinity")), RejectionReason.MalformedJson);
        Add("literal -Infinity", Json(("altitude", "-Infinity")), RejectionReason.MalformedJson);
        Add("literal NaN latitude", Json(("latitude", "NaN")), RejectionReason.MalformedJson);
        Add("number with a leading plus", Json(("speed", "+5")), RejectionReason.MalformedJson);
        Add("number with a leading zero", Json(("speed", "042")), RejectionReason.MalformedJson);
        Add("number without an integer part", Json(("heading", ".5")), RejectionReason.MalformedJson);
        Add("hexadecimal number", Json(("seq", "0x10")), RejectionReason.MalformedJson);
        Add("raw tab inside a string", Json(("device_id", "\"dev\t1\"")), RejectionReason.MalformedJson);
        Add("invalid escape", Json(("driver_id", "\"drv\\x41\"")), RejectionReason.MalformedJson);
        Add("short unicode escape", Json(("driver_id", "\"drv\\u41\"")), RejectionReason.MalformedJson);
        Add("unquoted string value", Json(("driver_id", "drv-7")), RejectionReason.MalformedJson);
        Add("nesting 17 deep in an unknown field", Json(("extra", Nested(16))), RejectionReason.MalformedJson, "depth");
        Add("deep nesting after a field error", Json(("speed", "\"fast\""), ("extra", Nested(40))), RejectionReason.MalformedJson, "depth");
        Add("syntax error after a duplicate field", Json(("speed", "1"))[..^1] + ",\"speed\":2,}", RejectionReason.MalformedJson);

        Add("top-level array", "[" + valid + "]", RejectionReason.NotAnObject, "StartArray");
        Add("top-level empty array", "[]", RejectionReason.NotAnObject);
        Add("top-level number", "42", RejectionReason.NotAnObject, "Number");
        Add("top-level string", "\"dev-1\"", RejectionReason.NotAnObject, "String");
        Add("top-level true", "true", RejectionReason.NotAnObject, "True");
        Add("top-level false", " false ", RejectionReason.NotAnObject, "False");
        Add("top-level null", "null", RejectionReason.NotAnObject, "Null");

        // Too large: the limit is checked before anything else is read.
        Add("a 70 KB body", Json(("padding", Quote(new string('p', 70 * 1024)))), RejectionReason.TooLarge, "the limit is 65536");
        AddBytes("one byte over the limit", Padded(TelemetryParser.MaxEventBytes + 1), RejectionReason.TooLarge, "65537 bytes");
        AddBytes("70 KB of garbage", [.. Enumerable.Repeat((byte)0xFF, 70 * 1024)], RejectionReason.TooLarge);

        AddBytes("lone 0xFF as the body", [0xFF], RejectionReason.InvalidEncoding, "UTF-8");
        AddBytes("lone 0xFF in device_id", Splice(Json(("device_id", "\"dev-@\"")), [0xFF]), RejectionReason.InvalidEncoding);
        AddBytes("lone continuation byte", Splice(Json(("driver_id", "\"@\"")), [0x80]), RejectionReason.InvalidEncoding);
        AddBytes("overlong slash", Splice(Json(("driver_id", "\"a@b\"")), [0xC0, 0xAF]), RejectionReason.InvalidEncoding);
        AddBytes("overlong NUL", Splice(Json(("driver_id", "\"a@b\"")), [0xC0, 0x80]), RejectionReason.InvalidEncoding);
        AddBytes("overlong three-byte slash", Splice(Json(("driver_id", "\"a@b\"")), [0xE0, 0x80, 0xAF]), RejectionReason.InvalidEncoding);
        AddBytes("overlong four-byte A", Splice(Json(("driver_id", "\"a@b\"")), [0xF0, 0x80, 0x81, 0x81]), RejectionReason.InvalidEncoding);
        AddBytes("truncated euro sign in a string", Splice(Json(("driver_id", "\"@\"")), [0xE2, 0x82]), RejectionReason.InvalidEncoding);
        AddBytes("truncated sequence at the end", [.. Encoding.UTF8.GetBytes(valid), 0xF0, 0x9F, 0x98], RejectionReason.InvalidEncoding);
        AddBytes("encoded surrogate half", Splice(Json(("driver_id", "\"@\"")), [0xED, 0xA0, 0x80]), RejectionReason.InvalidEncoding);
        AddBytes("code point above U+10FFFF", Splice(Json(("driver_id", "\"@\"")), [0xF4, 0x90, 0x80, 0x80]), RejectionReason.InvalidEncoding);
        AddBytes("Latin-1 e acute", Splice(Json(("driver_id", "\"Jos@\"")), [0xE9]), RejectionReason.InvalidEncoding);
        AddBytes("UTF-16 with a byte order mark", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(valid)], RejectionReason.InvalidEncoding);

        // Escaped lone surrogates are valid JSON syntax but no Unicode text: the body cannot be read as a string.
        Add("escaped lone high surrogate in device_id", Json(("device_id", "\"dev-\\uD800\"")), RejectionReason.InvalidEncoding);
        Add("escaped lone low surrogate in driver_id", Json(("driver_id", "\"\\uDC00\"")), RejectionReason.InvalidEncoding);
        Add("escaped lone surrogate in an event name", Json(("events", "[\"\\uD83D\"]")), RejectionReason.InvalidEncoding);
        Add("escaped lone surrogate in a field name", Json(("\\uD800", "1")), RejectionReason.InvalidEncoding);

        Add("empty object", "{}", RejectionReason.MissingField, "device_id is required");
        Add("missing device_id", Json(("device_id", null)), RejectionReason.MissingField, "device_id is required");
        Add("missing timestamp", Json(("timestamp", null)), RejectionReason.MissingField, "timestamp is required");
        Add("missing latitude", Json(("latitude", null)), RejectionReason.MissingField, "latitude is required");
        Add("missing longitude", Json(("longitude", null)), RejectionReason.MissingField, "longitude is required");
        Add("only optional fields", "{\"speed\":10,\"heading\":90,\"events\":[]}", RejectionReason.MissingField, "device_id is required");
        Add("null device_id", Json(("device_id", "null")), RejectionReason.MissingField, "device_id is null");
        Add("null deviceId", Json(("device_id", null), ("deviceId", "null")), RejectionReason.MissingField, "device_id is null");
        Add("null timestamp", Json(("timestamp", "null")), RejectionReason.MissingField, "timestamp is null");
        Add("null latitude", Json(("latitude", "null")), RejectionReason.MissingField, "latitude is null");
        Add("null longitude", Json(("longitude", "null")), RejectionReason.MissingField, "longitude is null");

        Add("device_id as a number", Json(("device_id", "42")), RejectionReason.InvalidField, "device_id must be a string");
        Add("device_id as a boolean", Json(("device_id", "true")), RejectionReason.InvalidField, "device_id must be a string");
        Add("device_id as an array", Json(("device_id", "[\"dev-1\"]")), RejectionReason.InvalidField, "device_id must be a string");
        Add("device_id as an object", Json(("device_id", "{\"id\":\"dev-1\"}")), RejectionReason.InvalidField, "device_id must be a string");
        Add("device_id empty", Json(("device_id", "\"\"")), RejectionReason.InvalidField, "device_id must be 1 to 128");
        Add("device_id white space only", Json(("device_id", "\"   \"")), RejectionReason.InvalidField, "device_id has leading");
        Add("device_id with a leading space", Json(("device_id", "\" dev-1\"")), RejectionReason.InvalidField, "device_id has leading");
        Add("device_id with a trailing space", Json(("device_id", "\"dev-1 \"")), RejectionReason.InvalidField, "device_id has leading");
        Add("device_id with a trailing no-break space", Json(("device_id", "\"dev-1\\u00a0\"")), RejectionReason.InvalidField, "device_id");
        Add("device_id with a trailing escaped newline", Json(("device_id", "\"dev-1\\n\"")), RejectionReason.InvalidField, "device_id");
        Add("device_id of 129 characters", Json(("device_id", Quote(new string('d', 129)))), RejectionReason.InvalidField, "device_id");
        Add("device_id of 129 escaped characters", Json(("device_id", Quote(string.Concat(Enumerable.Repeat("\\u0064", 129))))),
            RejectionReason.InvalidField, "device_id");
        Add("device_id of 10000 characters", Json(("device_id", Quote(new string('d', 10_000)))), RejectionReason.InvalidField, "device_id");
        Add("device_id with an escaped SOH", Json(("device_id", "\"dev\\u00011\"")), RejectionReason.InvalidField, "control characters");
        Add("device_id with an escaped NUL", Json(("device_id", "\"dev-1\\u0000\"")), RejectionReason.InvalidField, "control characters");
        Add("device_id with an escaped tab", Json(("device_id", "\"dev\\t1\"")), RejectionReason.InvalidField, "control characters");
        Add("device_id with an escaped DEL", Json(("device_id", "\"dev\\u007f1\"")), RejectionReason.InvalidField, "control characters");
        Add("device_id with a C1 control", Json(("device_id", "\"dev\\u009b1\"")), RejectionReason.InvalidField, "control characters");
        Add("deviceId as a number", Json(("device_id", null), ("deviceId", "7")), RejectionReason.InvalidField, "device_id must be a string");
        Add("driver_id as a number", Json(("driver_id", "7")), RejectionReason.InvalidField, "driver_id must be a string");
        Add("driver_id empty", Json(("driver_id", "\"\"")), RejectionReason.InvalidField, "driver_id");
        Add("driverId of 129 characters", Json(("driverId", Quote(new string('r', 129)))), RejectionReason.InvalidField, "driver_id");
        Add("driver_id with an escaped bell", Json(("driver_id", "\"drv\\u0007\"")), RejectionReason.InvalidField, "driver_id");
        Add("latitude as a string", Json(("latitude", "\"25.033\"")), RejectionReason.InvalidField, "latitude must be a finite number");
        Add("longitude as a string", Json(("longitude", "\"121.5654\"")), RejectionReason.InvalidField, "longitude must be a finite number");
        Add("latitude as a boolean", Json(("latitude", "true")), RejectionReason.InvalidField, "latitude must be a finite number");
        Add("longitude as an array", Json(("longitude", "[121.5654]")), RejectionReason.InvalidField, "longitude must be a finite number");
        Add("latitude 1e400", Json(("latitude", "1e400")), RejectionReason.InvalidField, "latitude must be a finite number");
        Add("longitude -1e400", Json(("longitude", "-1e400")), RejectionReason.InvalidField, "longitude must be a finite number");
        Add("speed as a string", Json(("speed", "\"42\"")), RejectionReason.InvalidField, "speed must be a finite number");
        Add("speed as the string NaN", Json(("speed", "\"NaN\"")), RejectionReason.InvalidField, "speed must be a finite number");
        Add("speed as the string Infinity", Json(("speed", "\"Infinity\"")), RejectionReason.InvalidField, "speed must be a finite number");
        Add("speed as an object", Json(("speed", "{\"kmh\":42}")), RejectionReason.InvalidField, "speed must be a finite number");
        Add("speed 1e400", Json(("speed", "1e400")), RejectionReason.InvalidField, "speed must be a finite number");
        Add("speed below zero", Json(("speed", "-1")), RejectionReason.InvalidField, "speed -1 is outside [0, 2000]");
        Add("speed above 2000", Json(("speed", "2000.5")), RejectionReason.InvalidField, "speed 2000.5 is outside [0, 2000]");
        Add("heading 361", Json(("heading", "361")), RejectionReason.InvalidField, "heading 361 is outside [0, 360]");
        Add("heading below zero", Json(("heading", "-0.5")), RejectionReason.InvalidField, "heading -0.5 is outside");
        Add("heading as a string", Json(("heading", "\"north\"")), RejectionReason.InvalidField, "heading must be a finite number");
        Add("accuracy below zero", Json(("accuracy", "-1")), RejectionReason.InvalidField, "accuracy -1 is outside");
        Add("accuracy 1e400", Json(("accuracy", "1e400")), RejectionReason.InvalidField, "accuracy must be a finite number");
        Add("altitude above 100 km", Json(("altitude", "100001")), RejectionReason.InvalidField, "altitude 100001 is outside");
        Add("altitude below -100 km", Json(("altitude", "-100001")), RejectionReason.InvalidField, "altitude -100001 is outside");
        Add("odometer below zero", Json(("odometer", "-0.1")), RejectionReason.InvalidField, "odometer -0.1 is outside");
        Add("odometer as a string", Json(("odometer", "\"10234.5\"")), RejectionReason.InvalidField, "odometer must be a finite number");
        Add("fuel_level 101", Json(("fuel_level", "101")), RejectionReason.InvalidField, "fuel_level 101 is outside [0, 100]");
        Add("fuel_level -1", Json(("fuel_level", "-1")), RejectionReason.InvalidField, "fuel_level -1 is outside [0, 100]");
        Add("fuel_used below zero", Json(("fuel_used", "-1")), RejectionReason.InvalidField, "fuel_used -1 is outside");
        Add("fuel_level as a boolean", Json(("fuel_level", "true")), RejectionReason.InvalidField, "fuel_level must be a finite number");
        Add("fuelLevel 100.01", Json(("fuelLevel", "100.01")), RejectionReason.InvalidField, "fuel_level 100.01 is outside");
        Add("ignition as a string", Json(("ignition", "\"true\"")), RejectionReason.InvalidField, "ignition must be true or false");
        Add("ignition as a number", Json(("ignition", "1")), RejectionReason.InvalidField, "ignition must be true or false");
        Add("ignition as an object", Json(("ignition", "{}")), RejectionReason.InvalidField, "ignition must be true or false");
        Add("seq below zero", Json(("seq", "-1")), RejectionReason.InvalidField, "seq must be a non-negative integer");
        Add("seq fractional", Json(("seq", "1.5")), RejectionReason.InvalidField, "seq must be a non-negative integer");
        Add("seq as a string", Json(("seq", "\"12\"")), RejectionReason.InvalidField, "seq must be a non-negative integer");
        Add("seq beyond Int64", Json(("seq", "9223372036854775808")), RejectionReason.InvalidField, "seq must be a non-negative integer");
        Add("events as a string", Json(("events", "\"harsh_braking\"")), RejectionReason.InvalidField, "events must be an array");
        Add("events as an object", Json(("events", "{\"sos\":true}")), RejectionReason.InvalidField, "events must be an array");
        Add("events as a boolean", Json(("events", "true")), RejectionReason.InvalidField, "events must be an array");
        Add("events with a number", Json(("events", "[\"sos\",1]")), RejectionReason.InvalidField, "events must be an array of strings");
        Add("events with a null", Json(("events", "[null]")), RejectionReason.InvalidField, "events must be an array of strings");
        Add("events with a nested array", Json(("events", "[[\"sos\"]]")), RejectionReason.InvalidField, "events must be an array of strings");
        Add("events with an object", Json(("events", "[{\"name\":\"sos\"}]")), RejectionReason.InvalidField, "events must be an array");
        Add("events with 17 entries", Json(("events", "[" + string.Join(",", Enumerable.Repeat("\"sos\"", 17)) + "]")),
            RejectionReason.InvalidField, "more than 16");
        Add("an event name of 65 characters", Json(("events", $"[\"sos\",\"{new string('x', 65)}\"]")),
            RejectionReason.InvalidField, "events[1] is longer than 64 characters");
        Add("an event name of 65 characters, partly escaped", Json(("events", $"[\"\\u0078{new string('x', 64)}\"]")),
            RejectionReason.InvalidField, "events[0] is longer than 64 characters");
        Add("an event name of 65 characters, all escaped", Json(("events", "[\"" + string.Concat(Enumerable.Repeat("\\u0078", 65)) + "\"]")),
            RejectionReason.InvalidField, "events[0] is longer than 64 characters");
        Add("an event name of 60,000 characters", Json(("events", $"[\"{new string('x', 60_000)}\"]")),
            RejectionReason.InvalidField, "events[0] is longer than 64 characters");

        // Duplicate keys: which value wins would be the parser's guess, so neither does.
        Add("device_id \"dev-1\" twice", Json(("device_id", "\"dev-1\",\"device_id\":\"dev-1\"")),
            RejectionReason.DuplicateField, "'device_id' appears more than once");
        Add("device_id twice with different values", Json(("device_id", "\"dev-1\",\"device_id\":\"dev-2\"")),
            RejectionReason.DuplicateField, "'device_id' appears more than once");
        Add("device_id and deviceId", Json(("deviceId", "\"dev-1\"")), RejectionReason.DuplicateField, "'device_id'");
        Add("device_id and an escaped device_id", Json(("device\\u005fid", "\"dev-2\"")), RejectionReason.DuplicateField, "'device_id'");
        Add("timestamp twice", Json(("timestamp", ValidTime + ",\"timestamp\":" + ValidTime)), RejectionReason.DuplicateField, "'timestamp'");
        Add("latitude twice, second null", Json(("latitude", "25.033,\"latitude\":null")), RejectionReason.DuplicateField, "'latitude'");
        Add("speed twice", Json(("speed", "10,\"speed\":20")), RejectionReason.DuplicateField, "'speed'");
        Add("fuel_level and fuelLevel", Json(("fuel_level", "10"), ("fuelLevel", "10")), RejectionReason.DuplicateField, "'fuel_level'");
        Add("driver_id and driverId", Json(("driverId", "\"drv-1\""), ("driver_id", "\"drv-2\"")), RejectionReason.DuplicateField, "'driver_id'");
        Add("events twice", Json(("events", "[],\"events\":[\"sos\"]")), RejectionReason.DuplicateField, "'events'");

        Add("timestamp not a date", Json(("timestamp", "\"not a date\"")), RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp month 13 day 40", Json(("timestamp", "\"2026-13-40T10:00:00Z\"")), RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp February 30", Json(("timestamp", "\"2026-02-30T10:00:00Z\"")), RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp hour 25", Json(("timestamp", "\"2026-11-21T25:00:00Z\"")), RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp offset beyond 14 hours", Json(("timestamp", "\"2026-11-21T10:00:00+25:00\"")), RejectionReason.InvalidTimestamp);
        Add("timestamp empty", Json(("timestamp", "\"\"")), RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp longer than 40 bytes", Json(("timestamp", "\"2026-11-21T10:30:00.1234567890123456789012Z\"")),
            RejectionReason.InvalidTimestamp, "ISO 8601");
        Add("timestamp before year 1 in UTC", Json(("timestamp", "\"0001-01-01T00:00:00+01:00\"")), RejectionReason.InvalidTimestamp);
        Add("timestamp numeric negative", Json(("timestamp", "-1")), RejectionReason.InvalidTimestamp, "non-negative Unix time");
        Add("timestamp numeric 1e400", Json(("timestamp", "1e400")), RejectionReason.InvalidTimestamp, "Unix time");
        Add("timestamp numeric after year 9999", Json(("timestamp", "253402300800000")), RejectionReason.InvalidTimestamp, "out of range");
        Add("timestamp as an object", Json(("timestamp", "{\"seconds\":1795257000}")), RejectionReason.InvalidTimestamp, "found StartObject");
        Add("timestamp as an array", Json(("timestamp", "[2026,11,21]")), RejectionReason.InvalidTimestamp, "found StartArray");
        Add("timestamp as a boolean", Json(("timestamp", "true")), RejectionReason.InvalidTimestamp, "found True");

        return corpus;
    }

    /// <summary>The required fields of DESIGN 3.1, with overrides: a null value removes a field, a new name is appended.</summary>
    private static string Json(params (string Name, string? Value)[] fields)
    {
        var members = new List<(string Name, string? Value)>
        {
            ("device_id", "\"dev-1\""), ("timestamp", ValidTime), ("latitude", "25.033"), ("longitude", "121.5654"),
        };
        foreach (var (name, value) in fields)
        {
            var index = members.FindIndex(member => string.Equals(member.Name, name, StringComparison.Ordinal));
            if (index >= 0)
            {
                members[index] = (name, value);
            }
            else
            {
                members.Add((name, value));
            }
        }

        return "{" + string.Join(",", members.Where(member => member.Value is not null).Select(member => $"\"{member.Name}\":{member.Value}")) + "}";
    }

    private static string WithField(string json, string name, string value) => $"{json[..^1]},\"{name}\":{value}}}";

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>The UTF-8 of <paramref name="json"/> with its single '@' replaced by raw bytes.</summary>
    private static byte[] Splice(string json, byte[] bytes)
    {
        var at = json.IndexOf('@', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. bytes, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];
    }

    /// <summary>A valid body padded with an unknown field to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Padded(int length)
    {
        var empty = Json(("padding", "\"\"")).Length;
        var body = Encoding.UTF8.GetBytes(Json(("padding", Quote(new string('p', length - empty)))));
        Assert.Equal(length, body.Length);
        return body;
    }

    private sealed record BadInput(string Name, byte[] Body, RejectionReason Reason, string? Detail);
}
