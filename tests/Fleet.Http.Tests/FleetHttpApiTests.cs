using System.Text.Json;
using Fleet.Core.Api;
using Fleet.Http.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Http.Tests;

/// <summary>
/// What the routes do before and after the core handler, whichever host calls them: who gets in, how the query and body
/// are read, and how the answer is written. The routes' behaviour end to end is the local host's ApiTests.
/// </summary>
public sealed class FleetHttpApiTests
{
    private readonly HttpApiHarness _harness = new();

    public static TheoryData<string, string?> RefusedAuthorizations => new()
    {
        { "no header", null },
        { "another scheme", "Basic dXNlcjpwYXNz" },
        { "the scheme in lower case", "bearer {token}" },
        { "the scheme alone", "Bearer " },
    };

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task A_request_without_a_bearer_token_is_a_401_challenge_saying_so(string why, string? authorization)
    {
        var http = _harness.Request(authorization?.Replace("{token}", _harness.Token(), StringComparison.Ordinal));

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.ListVehiclesAsync(http), http);

        Assert.True(answer.Status == StatusCodes.Status401Unauthorized, why);
        Assert.Equal("Bearer", http.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("A bearer token is required.", answer.Detail);
    }

    [Fact]
    public async Task When_the_token_authority_is_out_of_reach_the_answer_is_a_503_to_retry_not_a_refusal()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = new HttpApiHarness(new Uri($"http://127.0.0.1:{closedPort}/tenant/v2.0/"));
        var http = unreachable.Request("Bearer " + _harness.Token());

        var answer = await HttpApiHarness.AnswerAsync(unreachable.Api.ListVehiclesAsync(http), http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, answer.Status);
        Assert.Equal("30", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("The token authority's signing keys cannot be fetched right now.", answer.Detail);
        Assert.Empty(http.Response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_that_does_not_validate_is_refused_with_the_reason()
    {
        var http = _harness.Request("Bearer not-a-token");

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.ListVehiclesAsync(http), http);

        Assert.Equal(StatusCodes.Status401Unauthorized, answer.Status);
        Assert.StartsWith("The token is not valid", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unauthenticated_caller_learns_nothing_of_what_is_wrong_with_the_request()
    {
        var http = _harness.Request(null, "?limit=abc", body: "{bad");

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.CreateVehicleAsync(http), http);

        Assert.Equal(StatusCodes.Status401Unauthorized, answer.Status);
    }

    [Fact]
    public async Task A_host_authenticates_its_own_routes_the_same_way_and_its_refusal_carries_the_challenge()
    {
        var accepted = await _harness.Api.AuthenticateAsync(_harness.Request("Bearer " + _harness.Token(FleetRole.Dispatcher)));
        var refused = await _harness.Api.AuthenticateAsync(_harness.Request(null));

        Assert.True(accepted.Succeeded);
        Assert.Equal(("u-test", "c-acme", FleetRole.Dispatcher), (accepted.Caller.UserId, accepted.Caller.CompanyId, accepted.Caller.Role));
        Assert.False(refused.Succeeded);
        var elsewhere = _harness.Request(null);
        await refused.Refusal.ExecuteAsync(elsewhere);
        Assert.Equal(StatusCodes.Status401Unauthorized, elsewhere.Response.StatusCode);
        Assert.Equal("Bearer", elsewhere.Response.Headers.WWWAuthenticate.ToString());
    }

    public static TheoryData<string, string, string> BadQueries => new()
    {
        { "alerts", "?limit=abc", "limit must be an integer." },
        { "alerts", "?limit=", "limit must be an integer." },
        { "alerts", "?limit=1&limit=2", "limit must be an integer." },
        { "alerts", "?limit=5.0", "limit must be an integer." },
        { "alerts", "?unread=yes", "unread must be true or false." },
        { "alerts", "?limit=abc&unread=yes", "limit must be an integer." },
        { "locations", "?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&after=later", "after must be a date and time (ISO 8601)." },
        { "locations", "?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&limit=all", "limit must be an integer." },
        { "trips", "?from=2024-01-01T00:00:00Z&to=tomorrow", "to must be a date and time (ISO 8601)." },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_query_value_that_does_not_parse_is_a_400_naming_the_first_such_parameter(string route, string query, string detail)
    {
        var http = _harness.Authorized(query);

        var answer = await HttpApiHarness.AnswerAsync(Query(route, http), http);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
        Assert.Equal(ApiProblem.BadRequest(detail).Title, answer.Body.GetProperty("title").GetString());
        Assert.Equal(detail, answer.Detail);
    }

    [Theory]
    [InlineData("alerts", "?limit=%205&unread=TRUE")]
    [InlineData("alerts", "?LIMIT=5&Unread=false")]
    [InlineData("locations", "?from=2024-01-01&to=2024-01-02T00:00:00%2B02:00&limit=%2B10")]
    [InlineData("trips", "?from=2024-01-01T00:00:00&to=2024-01-01T12:00:00Z")]
    public async Task Query_values_parse_as_minimal_APIs_bind_them(string route, string query)
    {
        var http = _harness.Authorized(query);

        var answer = await HttpApiHarness.AnswerAsync(Query(route, http), http);

        Assert.Equal(StatusCodes.Status200OK, answer.Status);
    }

    [Fact]
    public async Task A_page_links_to_the_next_with_the_requests_own_path_and_parameters_and_the_last_page_to_none()
    {
        var directory = _harness.Services.GetRequiredService<Fleet.Adapters.InMemory.InMemoryFleetDirectory>();
        directory.AddVehicle(new Fleet.Core.Registry.VehicleProfile("v-2", "c-acme", "Van 2"), "dev-2");
        directory.AddVehicle(new Fleet.Core.Registry.VehicleProfile("v-3", "c-acme", "Van 3"), "dev-3");

        var first = await PageAsync("/api/vehicles", "?limit=2&company_id=c-acme");
        var respelledCursor = await PageAsync("/api/vehicles", "?AFTER=v-0&limit=1");
        var last = await PageAsync("/api/vehicles", "?limit=2&after=v-2");

        Assert.Equal("</api/vehicles?limit=2&company_id=c-acme&after=v-2>; rel=\"next\"", first.Link);
        Assert.Equal("Link", first.Exposed);
        Assert.Equal(["v-1", "v-2"], first.Ids);
        Assert.Equal("</api/vehicles?limit=1&after=v-1>; rel=\"next\"", respelledCursor.Link);
        Assert.Equal(["v-3"], last.Ids);
        Assert.Empty(last.Link);
    }

    [Theory]
    [InlineData("vehicles", "?limit=0", "limit")]
    [InlineData("vehicles", "?limit=1001", "limit")]
    [InlineData("vehicles", "?limit=ten", "limit")]
    [InlineData("vehicles", "?after=v-1&after=v-2", "after")]
    [InlineData("trips", "?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&limit=501", "limit")]
    [InlineData("trips", "?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&after=yesterday", "after")]
    public async Task A_bad_page_parameter_is_a_400_that_names_it(string route, string query, string field)
    {
        var http = _harness.Authorized(query);

        var answer = await HttpApiHarness.AnswerAsync(Query(route, http), http);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal([field], answer.Body.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    private async Task<(string Link, string Exposed, IReadOnlyList<string?> Ids)> PageAsync(string path, string query)
    {
        var http = _harness.Authorized(query);
        http.Request.Path = path;

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.ListVehiclesAsync(http), http);

        Assert.Equal(StatusCodes.Status200OK, answer.Status);
        return (
            http.Response.Headers.Link.ToString(),
            http.Response.Headers.AccessControlExposeHeaders.ToString(),
            [.. answer.Body.EnumerateArray().Select(vehicle => vehicle.GetProperty("vehicle_id").GetString())]);
    }

    [Theory]
    [InlineData("{bad", "$")]
    [InlineData("""{"vehicle_id": 5}""", "$.vehicle_id")]
    [InlineData("""["v-1"]""", "$")]
    public async Task A_body_that_is_not_the_expected_JSON_is_a_400_saying_where(string body, string path)
    {
        var http = _harness.Authorized(body: body);

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.FollowAsync(http), http);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
        Assert.Equal($"The body is not the JSON this request takes (at {path}).", answer.Detail);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_refused_as_an_unsupported_media_type()
    {
        var http = _harness.Authorized(body: "vehicle_id=v-1", contentType: "application/x-www-form-urlencoded");

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.FollowAsync(http), http);

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, answer.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    public async Task No_body_at_all_is_left_to_the_handler_which_names_what_it_needs(string? body)
    {
        var http = _harness.Authorized(body: body);

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.UpdateVehicleAsync(http, "v-1"), http);

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Status);
        Assert.Equal("name and device_id are required.", answer.Detail);
    }

    [Fact]
    public async Task Bodies_are_read_and_answers_written_in_snake_case_with_the_handlers_status_whatever_the_host_configured()
    {
        // A chosen vehicle id carries the company's id.
        var http = _harness.Authorized(body: """{"vehicle_id": "c-acme.v-2", "name": "Van 2", "device_id": "dev-2", "speed_limit_kmh": 80}""");

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.CreateVehicleAsync(http), http);

        Assert.Equal(StatusCodes.Status201Created, answer.Status);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
        Assert.Equal("c-acme.v-2", answer.Body.GetProperty("vehicle_id").GetString());
        Assert.Equal(80, answer.Body.GetProperty("speed_limit_kmh").GetDouble());
    }

    [Fact]
    public async Task A_handler_answer_without_a_value_is_a_204_with_no_body()
    {
        var http = _harness.Authorized();

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.DeleteVehicleAsync(http, "v-1"), http);

        Assert.Equal(StatusCodes.Status204NoContent, answer.Status);
        Assert.Equal(JsonValueKind.Undefined, answer.Body.ValueKind);
    }

    [Fact]
    public async Task A_handler_problem_keeps_its_status_title_and_detail()
    {
        var http = _harness.Request("Bearer " + _harness.Token(FleetRole.Viewer));

        var answer = await HttpApiHarness.AnswerAsync(_harness.Api.DeleteVehicleAsync(http, "v-1"), http);

        var expected = ApiProblem.Forbidden("Only the company's admins change its fleet configuration.");
        Assert.Equal(expected.Status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(expected.Title, answer.Body.GetProperty("title").GetString());
        Assert.Equal(expected.Detail, answer.Detail);
    }

    [Fact]
    public void The_composition_gives_the_hosts_own_JSON_the_same_naming()
    {
        var json = _harness.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        Assert.Same(JsonNamingPolicy.SnakeCaseLower, json.PropertyNamingPolicy);
        Assert.Same(JsonNamingPolicy.SnakeCaseLower, json.DictionaryKeyPolicy);
        Assert.Same(JsonNamingPolicy.SnakeCaseLower, FleetJson.Options.PropertyNamingPolicy);
        Assert.True(FleetJson.Options.IsReadOnly);
    }

    private Task<IResult> Query(string route, HttpContext http) => route switch
    {
        "alerts" => _harness.Api.ListAlertsAsync(http),
        "vehicles" => _harness.Api.ListVehiclesAsync(http),
        "locations" => _harness.Api.VehicleLocationsAsync(http, "v-1"),
        "trips" => _harness.Api.VehicleTripsAsync(http, "v-1"),
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };
}
