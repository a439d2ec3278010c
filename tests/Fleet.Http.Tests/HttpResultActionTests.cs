using Fleet.Adapters.InMemory;
using Fleet.Core.Registry;
using Fleet.Http.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Http.Tests;

/// <summary>How the Functions app answers: its ASP.NET Core integration executes <see cref="IActionResult"/>s only.</summary>
public sealed class HttpResultActionTests
{
    [Fact]
    public async Task The_action_executes_the_wrapped_result_on_the_actions_context()
    {
        var http = HttpApiHarness.BareContext();
        IActionResult action = new HttpResultAction(Results.Json(new { VehicleId = "v-1" }, FleetJson.Options, statusCode: StatusCodes.Status202Accepted));

        await action.ExecuteResultAsync(new ActionContext { HttpContext = http });

        var answer = await Answer.OfAsync(http);
        Assert.Equal(StatusCodes.Status202Accepted, answer.Status);
        Assert.Equal("v-1", answer.Body.GetProperty("vehicle_id").GetString());
    }

    [Fact]
    public async Task A_route_answers_through_an_action_as_it_answers_directly()
    {
        var harness = new HttpApiHarness();
        var http = harness.Authorized();

        var action = await harness.Api.GetVehicleAsync(http, "v-1").AsActionResult();
        await action.ExecuteResultAsync(new ActionContext { HttpContext = http });

        var answer = await Answer.OfAsync(http);
        Assert.Equal(StatusCodes.Status200OK, answer.Status);
        Assert.Equal("Van 1", answer.Body.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_page_answered_through_an_action_keeps_its_link_to_the_next()
    {
        var harness = new HttpApiHarness();
        harness.Services.GetRequiredService<InMemoryFleetDirectory>().AddVehicle(new VehicleProfile("v-2", "c-acme", "Van 2"), "dev-2");
        var http = harness.Authorized("?limit=1");
        http.Request.Path = "/api/vehicles";

        var action = await harness.Api.ListVehiclesAsync(http).AsActionResult();
        await action.ExecuteResultAsync(new ActionContext { HttpContext = http });

        Assert.Equal(StatusCodes.Status200OK, (await Answer.OfAsync(http)).Status);
        Assert.Equal("</api/vehicles?limit=1&after=v-1>; rel=\"next\"", http.Response.Headers.Link.ToString());
    }
}
