using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Devices;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Api;

/// <summary>
/// Every list a request can make grow has a cap (issue 15, docs/SECURITY.md "Stored input, field by field"): the add
/// past it is a 409 that names the cap, and changing a record that exists still goes through.
/// </summary>
public sealed class StoredLimitsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetCaller Admin = new("u-admin", "c-1", FleetRole.Admin, new HashSet<string>());
    private static readonly FleetIdentity AdminIdentity = new("u-admin", IsOperator: false);
    private static readonly FleetIdentity Operator = new("u-op", IsOperator: true);
    private static readonly Uri TrackingPage = new("https://dashboard.example/track/");

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryMembershipStore _memberships = new();
    private readonly FrozenClock _clock = new(FixStream.Start);

    public StoredLimitsTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _memberships.SaveAsync(new Membership("u-admin", "c-1", FleetRole.Admin, []), None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_company_holds_at_most_the_cap_of_vehicles()
    {
        var vehicles = new VehiclesApiHandler(_directory, new InMemoryTelemetryStore(), _directory, Announcer(), TimeProvider.System);
        for (var i = 2; i <= StoredLimits.MaxPerCompany; i++)
        {
            _directory.AddVehicle(TestFleet.Vehicle($"v-{i}"));
        }

        var added = await vehicles.CreateAsync(Admin, new VehicleRequest(null, "One more", "dev-new", null, null, null, null), None);
        var changed = await vehicles.UpdateAsync(Admin, "v-1", new VehicleRequest(null, "Renamed", "dev-1", null, null, null, null), None);

        AssertFull(added, "10,000 vehicles");
        Assert.Equal(200, changed.Status);
        Assert.Equal(StoredLimits.MaxPerCompany, (await _directory.VehiclesOfAsync("c-1", None)).Count);
    }

    [Fact]
    public async Task A_vehicle_reports_through_at_most_the_cap_of_devices()
    {
        var vehicles = new VehiclesApiHandler(_directory, new InMemoryTelemetryStore(), _directory, Announcer(), TimeProvider.System);
        for (var i = 2; i <= StoredLimits.MaxDevicesPerVehicle; i++)
        {
            Assert.Equal(200, (await vehicles.UpdateAsync(Admin, "v-1", new VehicleRequest(null, "Van", $"dev-1-{i}", null, null, null, null), None)).Status);
        }

        var another = await vehicles.UpdateAsync(Admin, "v-1", new VehicleRequest(null, "Van", "dev-1-extra", null, null, null, null), None);
        var known = await vehicles.UpdateAsync(Admin, "v-1", new VehicleRequest(null, "Van renamed", "dev-1", null, null, null, null), None);

        Assert.Equal(409, another.Status);
        Assert.Contains("10 devices", another.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(200, known.Status);
        Assert.Equal(StoredLimits.MaxDevicesPerVehicle, (await _directory.DevicesOfAsync("c-1", ["v-1"], None))["v-1"].Count);
    }

    [Fact]
    public async Task A_company_holds_at_most_the_cap_of_drivers()
    {
        var drivers = new DriversApiHandler(_directory, _memberships, Announcer());
        for (var i = 1; i <= StoredLimits.MaxPerCompany; i++)
        {
            await _directory.SaveDriverAsync(new DriverProfile($"d-{i}", "c-1", $"Driver {i}"), None);
        }

        var added = await drivers.SaveAsync(Admin, new DriverRequest(null, "One more", null), None);
        var changed = await drivers.SaveAsync(Admin, new DriverRequest("d-1", "Renamed", null), None);

        AssertFull(added, "10,000 drivers");
        Assert.Equal(201, changed.Status);
        Assert.Equal(StoredLimits.MaxPerCompany, (await _directory.DriversOfAsync("c-1", None)).Count);
    }

    [Fact]
    public async Task A_company_holds_at_most_the_cap_of_users()
    {
        var users = new UsersApiHandler(_memberships, Directory(), _directory, new RecordingRealtimeGroups().Revocation);
        for (var i = 2; i <= StoredLimits.MaxPerCompany; i++)
        {
            await _memberships.SaveAsync(new Membership($"u-{i}", "c-1", FleetRole.Viewer, []), None);
        }

        var added = await users.CreateAsync(AdminIdentity, new UserRequest("u-new", null, null, null, "viewer", null, null), None);
        var changed = await users.UpdateAsync(AdminIdentity, "u-2", null, new UserRequest(null, null, "Renamed", null, null, null, null), None);

        AssertFull(added, "10,000 users");
        Assert.Equal(200, changed.Status);
        Assert.Equal(StoredLimits.MaxPerCompany, (await _memberships.OfCompanyAsync("c-1", None)).Count);
    }

    [Fact]
    public async Task The_platform_holds_at_most_the_cap_of_companies_disabled_ones_included()
    {
        var companies = new CompaniesApiHandler(_directory, _memberships, Directory(), new RecordingRealtimeGroups().Revocation);
        for (var i = 2; i <= StoredLimits.MaxCompanies; i++)
        {
            await _directory.SaveCompanyAsync(new CompanySettings($"c-{i}", $"Company {i}", RuleSettings.Default, TimeZoneInfo.Utc, Disabled: i % 2 == 0), None);
        }

        var added = await companies.CreateAsync(Operator, new CompanyRequest(null, "One more", null, null, null, null, null, null), None);
        var changed = await companies.UpdateAsync(Operator, "c-1", new CompanyRequest(null, "Renamed", null, null, null, null, null, null), None);

        Assert.Equal(409, added.Status);
        Assert.Contains("10,000 companies", added.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(200, changed.Status);
        Assert.Equal(StoredLimits.MaxCompanies, (await _directory.CompaniesAsync(new IdPage(null, StoredLimits.MaxCompanies + 1), None)).Items.Count);
    }

    [Fact]
    public async Task A_device_holds_at_most_the_cap_of_unrevoked_credentials()
    {
        var store = new InMemoryDeviceCredentialStore();
        var credentials = new DeviceCredentialsApiHandler(store, _directory, new DeviceAuthenticator(store, _directory, _clock), _clock);
        var created = new List<NewDeviceCredential>();
        for (var i = 0; i < StoredLimits.MaxActiveCredentialsPerDevice; i++)
        {
            created.Add((await credentials.CreateAsync(Admin, "dev-1", null, None)).Value!);
        }

        var overCap = await credentials.CreateAsync(Admin, "dev-1", null, None);
        Assert.Equal(204, (await credentials.RevokeAsync(Admin, "dev-1", created[0].Credential.CredentialId, None)).Status);
        var afterRevoking = await credentials.CreateAsync(Admin, "dev-1", null, None);

        Assert.Equal(409, overCap.Status);
        Assert.Contains("revoke one", overCap.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(201, afterRevoking.Status);
        Assert.Equal(StoredLimits.MaxActiveCredentialsPerDevice + 1, (await store.OfDeviceAsync("c-1", "dev-1", None)).Count);
    }

    [Fact]
    public async Task A_job_is_assigned_at_most_the_cap_of_times()
    {
        var jobStore = new InMemoryJobStore();
        var jobs = new JobsApiHandler(jobStore, _directory, new RecordingPublisher(), _clock, Fleet.Core.Jobs.JobProgressSettings.Default);
        var job = (await jobs.CreateAsync(Admin, JobRequest() with { VehicleId = "v-1" }, None)).Value!;
        for (var i = 1; i < StoredLimits.MaxAssignmentsPerJob; i++)
        {
            Assert.Equal(200, (await jobs.AssignAsync(Admin, job.JobId, new JobAssignmentRequest("v-1", null), None)).Status);
        }

        var overCap = await jobs.AssignAsync(Admin, job.JobId, new JobAssignmentRequest("v-1", null), None);
        var cancelled = await jobs.ChangeStatusAsync(Admin, job.JobId, new JobStatusRequest("cancelled", null), None);

        Assert.Equal(409, overCap.Status);
        Assert.Contains("assigned 50 times", overCap.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(200, cancelled.Status);
        Assert.Equal(1 + StoredLimits.MaxAssignmentsPerJob + 1, (await jobStore.GetAsync("c-1", job.JobId, None))!.History.Count);
    }

    [Fact]
    public async Task A_job_is_shared_at_most_the_cap_of_times()
    {
        var jobStore = new InMemoryJobStore();
        var grants = new InMemoryJobGrantStore();
        var jobs = new JobsApiHandler(jobStore, _directory, new RecordingPublisher(), _clock, Fleet.Core.Jobs.JobProgressSettings.Default);
        var tracking = new TrackingHandler(grants, jobStore, new InMemoryTelemetryStore(), new InMemoryFleetDirectory(), _clock);
        var job = (await jobs.CreateAsync(Admin, JobRequest(), None)).Value!;
        var other = (await jobs.CreateAsync(Admin, JobRequest(), None)).Value!;
        for (var i = 0; i < StoredLimits.MaxTrackingLinksPerJob; i++)
        {
            Assert.Equal(201, (await tracking.ShareAsync(Admin, job.JobId, TrackingPage, None)).Status);
        }

        var overCap = await tracking.ShareAsync(Admin, job.JobId, TrackingPage, None);
        var otherJob = await tracking.ShareAsync(Admin, other.JobId, TrackingPage, None);

        Assert.Equal(409, overCap.Status);
        Assert.Contains("shared 50 times", overCap.Problem!.Detail, StringComparison.Ordinal);
        Assert.Equal(201, otherJob.Status);
        Assert.Equal(StoredLimits.MaxTrackingLinksPerJob, await grants.CountOfJobAsync("c-1", job.JobId, None));
    }

    [Fact]
    public async Task Each_overlong_text_of_a_raised_alert_is_a_400_naming_its_field()
    {
        var alerts = new AlertsApiHandler(new InMemoryAlertStore(), new InMemoryTelemetryStore(), new RecordingPublisher(), _directory, _clock);

        var refused = await alerts.RaiseAsync(
            Admin,
            new AlertRequest(
                "system_error",
                "low",
                new string('t', AlertsApiHandler.MaxTitleLength + 1),
                new string('m', AlertsApiHandler.MaxMessageLength + 1),
                null,
                new string('s', AlertsApiHandler.MaxTitleLength + 1),
                null),
            None);

        Assert.Equal(400, refused.Status);
        Assert.Equal(["message", "source_id", "title"], refused.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_overlong_note_of_a_status_change_is_a_400_naming_the_note()
    {
        var jobs = new JobsApiHandler(new InMemoryJobStore(), _directory, new RecordingPublisher(), _clock, Fleet.Core.Jobs.JobProgressSettings.Default);
        var job = (await jobs.CreateAsync(Admin, JobRequest(), None)).Value!;

        var refused = await jobs.ChangeStatusAsync(Admin, job.JobId, new JobStatusRequest("cancelled", new string('n', JobsApiHandler.MaxNoteLength + 1)), None);

        Assert.Equal(400, refused.Status);
        Assert.Equal("note", Assert.Single(refused.Problem!.Errors!.Keys));
    }

    private static void AssertFull<T>(ApiResult<T> result, string cap)
    {
        Assert.Equal(409, result.Status);
        Assert.Contains($"at most {cap}", result.Problem!.Detail, StringComparison.Ordinal);
    }

    private static JobRequest JobRequest() =>
        new("delivery", new JobStopRequest(25.03, 121.56, "Depot"), new JobStopRequest(25.05, 121.52, "12 Harbour Rd"), null, null, null, null);

    private MembershipDirectory Directory() => new(_memberships, _directory, _clock);

    private ConfigAnnouncer Announcer() => new(new RecordingPublisher(), _clock);
}
