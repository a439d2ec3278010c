using Fleet.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fleet.Functions;

/// <summary>
/// The HTTP API of DESIGN 3.4: each function hands the request to the same <see cref="FleetHttpApi"/> the local host
/// maps. Anonymous at the platform level because every route but health validates the caller's token itself.
/// </summary>
public sealed class ApiFunctions(FleetHttpApi api, StoreHealth storeHealth)
{
    [Function("Health")]
    public async Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await storeHealth.ProbeAsync(request.HttpContext.RequestAborted);
        return new HttpResultAction(StoreHealth.ToResult(report));
    }

    [Function("Follow")]
    public Task<IActionResult> Follow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "subscriptions")] HttpRequest request) =>
        api.FollowAsync(request.HttpContext).AsActionResult();

    [Function("Unfollow")]
    public Task<IActionResult> Unfollow([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "subscriptions")] HttpRequest request) =>
        api.UnfollowAsync(request.HttpContext).AsActionResult();

    [Function("ListAlerts")]
    public Task<IActionResult> ListAlerts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts")] HttpRequest request) =>
        api.ListAlertsAsync(request.HttpContext).AsActionResult();

    [Function("RaiseAlert")]
    public Task<IActionResult> RaiseAlert([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts")] HttpRequest request) =>
        api.RaiseAlertAsync(request.HttpContext).AsActionResult();

    [Function("MarkAlertRead")]
    public Task<IActionResult> MarkAlertRead([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/read")] HttpRequest request, string id) =>
        api.MarkAlertReadAsync(request.HttpContext, id).AsActionResult();

    [Function("DeleteAlert")]
    public Task<IActionResult> DeleteAlert([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "alerts/{id}")] HttpRequest request, string id) =>
        api.DeleteAlertAsync(request.HttpContext, id).AsActionResult();

    [Function("ListVehicles")]
    public Task<IActionResult> ListVehicles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vehicles")] HttpRequest request) =>
        api.ListVehiclesAsync(request.HttpContext).AsActionResult();

    [Function("GetVehicle")]
    public Task<IActionResult> GetVehicle([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vehicles/{id}")] HttpRequest request, string id) =>
        api.GetVehicleAsync(request.HttpContext, id).AsActionResult();

    [Function("VehicleLocations")]
    public Task<IActionResult> VehicleLocations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vehicles/{id}/locations")] HttpRequest request, string id) =>
        api.VehicleLocationsAsync(request.HttpContext, id).AsActionResult();

    [Function("VehicleTrips")]
    public Task<IActionResult> VehicleTrips([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "vehicles/{id}/trips")] HttpRequest request, string id) =>
        api.VehicleTripsAsync(request.HttpContext, id).AsActionResult();

    [Function("GetTrip")]
    public Task<IActionResult> GetTrip([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trips/{id}")] HttpRequest request, string id) =>
        api.GetTripAsync(request.HttpContext, id).AsActionResult();

    [Function("CreateVehicle")]
    public Task<IActionResult> CreateVehicle([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "vehicles")] HttpRequest request) =>
        api.CreateVehicleAsync(request.HttpContext).AsActionResult();

    [Function("UpdateVehicle")]
    public Task<IActionResult> UpdateVehicle([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "vehicles/{id}")] HttpRequest request, string id) =>
        api.UpdateVehicleAsync(request.HttpContext, id).AsActionResult();

    [Function("DeleteVehicle")]
    public Task<IActionResult> DeleteVehicle([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "vehicles/{id}")] HttpRequest request, string id) =>
        api.DeleteVehicleAsync(request.HttpContext, id).AsActionResult();

    [Function("Dashboard")]
    public Task<IActionResult> Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) =>
        api.DashboardAsync(request.HttpContext).AsActionResult();

    [Function("DashboardVehicles")]
    public Task<IActionResult> DashboardVehicles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/vehicles")] HttpRequest request) =>
        api.DashboardVehiclesAsync(request.HttpContext).AsActionResult();

    [Function("ListGeofences")]
    public Task<IActionResult> ListGeofences([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "geofences")] HttpRequest request) =>
        api.ListGeofencesAsync(request.HttpContext).AsActionResult();

    [Function("SaveGeofence")]
    public Task<IActionResult> SaveGeofence([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "geofences")] HttpRequest request) =>
        api.SaveGeofenceAsync(request.HttpContext).AsActionResult();

    [Function("GetGeofence")]
    public Task<IActionResult> GetGeofence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "geofences/{id}")] HttpRequest request, string id) =>
        api.GetGeofenceAsync(request.HttpContext, id).AsActionResult();

    [Function("DeleteGeofence")]
    public Task<IActionResult> DeleteGeofence([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "geofences/{id}")] HttpRequest request, string id) =>
        api.DeleteGeofenceAsync(request.HttpContext, id).AsActionResult();

    [Function("ListDrivers")]
    public Task<IActionResult> ListDrivers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drivers")] HttpRequest request) =>
        api.ListDriversAsync(request.HttpContext).AsActionResult();

    [Function("SaveDriver")]
    public Task<IActionResult> SaveDriver([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "drivers")] HttpRequest request) =>
        api.SaveDriverAsync(request.HttpContext).AsActionResult();

    [Function("GetDriver")]
    public Task<IActionResult> GetDriver([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drivers/{id}")] HttpRequest request, string id) =>
        api.GetDriverAsync(request.HttpContext, id).AsActionResult();

    [Function("DeleteDriver")]
    public Task<IActionResult> DeleteDriver([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "drivers/{id}")] HttpRequest request, string id) =>
        api.DeleteDriverAsync(request.HttpContext, id).AsActionResult();

    [Function("CreateJob")]
    public Task<IActionResult> CreateJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jobs")] HttpRequest request) =>
        api.CreateJobAsync(request.HttpContext).AsActionResult();

    [Function("ListJobs")]
    public Task<IActionResult> ListJobs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "jobs")] HttpRequest request) =>
        api.ListJobsAsync(request.HttpContext).AsActionResult();

    [Function("GetJob")]
    public Task<IActionResult> GetJob([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "jobs/{id}")] HttpRequest request, string id) =>
        api.GetJobAsync(request.HttpContext, id).AsActionResult();

    [Function("AssignJob")]
    public Task<IActionResult> AssignJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jobs/{id}/assign")] HttpRequest request, string id) =>
        api.AssignJobAsync(request.HttpContext, id).AsActionResult();

    [Function("ChangeJobStatus")]
    public Task<IActionResult> ChangeJobStatus([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jobs/{id}/status")] HttpRequest request, string id) =>
        api.ChangeJobStatusAsync(request.HttpContext, id).AsActionResult();

    [Function("ShareJob")]
    public Task<IActionResult> ShareJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jobs/{id}/share")] HttpRequest request, string id) =>
        api.ShareJobAsync(request.HttpContext, id).AsActionResult();

    [Function("Track")]
    public Task<IActionResult> Track([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "track")] HttpRequest request) =>
        api.TrackAsync(request.HttpContext).AsActionResult();

    [Function("Me")]
    public Task<IActionResult> Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request) =>
        api.MeAsync(request.HttpContext).AsActionResult();

    [Function("ListCompanies")]
    public Task<IActionResult> ListCompanies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "companies")] HttpRequest request) =>
        api.ListCompaniesAsync(request.HttpContext).AsActionResult();

    [Function("CreateCompany")]
    public Task<IActionResult> CreateCompany([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "companies")] HttpRequest request) =>
        api.CreateCompanyAsync(request.HttpContext).AsActionResult();

    [Function("GetCompany")]
    public Task<IActionResult> GetCompany([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "companies/{id}")] HttpRequest request, string id) =>
        api.GetCompanyAsync(request.HttpContext, id).AsActionResult();

    [Function("UpdateCompany")]
    public Task<IActionResult> UpdateCompany([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "companies/{id}")] HttpRequest request, string id) =>
        api.UpdateCompanyAsync(request.HttpContext, id).AsActionResult();

    [Function("DisableCompany")]
    public Task<IActionResult> DisableCompany([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "companies/{id}")] HttpRequest request, string id) =>
        api.DeleteCompanyAsync(request.HttpContext, id).AsActionResult();

    [Function("ListUsers")]
    public Task<IActionResult> ListUsers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users")] HttpRequest request) =>
        api.ListUsersAsync(request.HttpContext).AsActionResult();

    [Function("AddUser")]
    public Task<IActionResult> AddUser([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "users")] HttpRequest request) =>
        api.CreateUserAsync(request.HttpContext).AsActionResult();

    [Function("UpdateUser")]
    public Task<IActionResult> UpdateUser([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/{id}")] HttpRequest request, string id) =>
        api.UpdateUserAsync(request.HttpContext, id).AsActionResult();

    [Function("RemoveUser")]
    public Task<IActionResult> RemoveUser([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/{id}")] HttpRequest request, string id) =>
        api.DeleteUserAsync(request.HttpContext, id).AsActionResult();

    [Function("CreateDeviceCredential")]
    public Task<IActionResult> CreateDeviceCredential([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{id}/credentials")] HttpRequest request, string id) =>
        api.CreateDeviceCredentialAsync(request.HttpContext, id).AsActionResult();

    [Function("ListDeviceCredentials")]
    public Task<IActionResult> ListDeviceCredentials([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devices/{id}/credentials")] HttpRequest request, string id) =>
        api.ListDeviceCredentialsAsync(request.HttpContext, id).AsActionResult();

    [Function("RevokeDeviceCredential")]
    public Task<IActionResult> RevokeDeviceCredential(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "devices/{id}/credentials/{credentialId}")] HttpRequest request, string id, string credentialId) =>
        api.RevokeDeviceCredentialAsync(request.HttpContext, id, credentialId).AsActionResult();
}
