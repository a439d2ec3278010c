using System.Collections.Concurrent;
using Fleet.Core.Registry;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Settings;

namespace Fleet.Adapters.InMemory;

/// <summary>
/// Companies, vehicles, devices and fences held in memory (the local host's default mode and fast tests). The
/// <c>Add</c> methods are the operator's seeding path and may move a vehicle between companies; the
/// <see cref="IFleetConfiguration"/> methods are what company administrators use and keep ownership.
/// </summary>
public sealed class InMemoryFleetDirectory : IDeviceRegistry, ICompanyDirectory, IFleetConfiguration
{
    private readonly ConcurrentDictionary<string, CompanyProfile> _companies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceRegistration> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VehicleProfile> _vehicles = new(StringComparer.Ordinal);
    // Guards the fences and their indexes, and makes the ownership checks of a save atomic with the save.
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, Geofence>> _fences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DriverProfile> _drivers = new(StringComparer.Ordinal);

    // Companies whose fences changed since their index was built: rebuilding once when next read, not on every add,
    // keeps seeding many fences linear.
    private readonly HashSet<string> _staleIndexes = new(StringComparer.Ordinal);

    public void AddCompany(string companyId, string name, RuleSettings? rules = null, TimeZoneInfo? timeZone = null) =>
        AddCompany(new CompanySettings(companyId, name, rules ?? RuleSettings.Default, timeZone ?? TimeZoneInfo.Utc));

    private void AddCompany(CompanySettings company)
    {
        var companyId = company.CompanyId;
        lock (_gate)
        {
            _companies[companyId] = CompanyProfile.Of(company, GeofenceIndex.Empty);
            if (_fences.ContainsKey(companyId))
            {
                _staleIndexes.Add(companyId);
            }
        }
    }

    public void AddVehicle(VehicleProfile vehicle, params string[] deviceIds)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(deviceIds);
        if (!_companies.ContainsKey(vehicle.CompanyId))
        {
            throw new InvalidOperationException($"Company {vehicle.CompanyId} must be added before its vehicle {vehicle.VehicleId}.");
        }

        _vehicles[vehicle.VehicleId] = vehicle;
        foreach (var deviceId in deviceIds)
        {
            _devices[deviceId] = new DeviceRegistration(deviceId, vehicle);
        }
    }

    public void AddGeofence(Geofence fence)
    {
        ArgumentNullException.ThrowIfNull(fence);
        if (fence.Shape.Validate() is { } error)
        {
            throw new ArgumentException($"Geofence {fence.Id}: {error}.", nameof(fence));
        }

        if (!_companies.ContainsKey(fence.CompanyId))
        {
            throw new InvalidOperationException($"Company {fence.CompanyId} must be added before its geofence {fence.Id}.");
        }

        lock (_gate)
        {
            if (!_fences.TryGetValue(fence.CompanyId, out var fences))
            {
                _fences[fence.CompanyId] = fences = new Dictionary<string, Geofence>(StringComparer.Ordinal);
            }

            fences[fence.Id] = fence;
            _staleIndexes.Add(fence.CompanyId);
        }
    }

    private CompanyProfile WithCurrentFences(CompanyProfile company)
    {
        lock (_gate)
        {
            if (!_staleIndexes.Remove(company.CompanyId))
            {
                return _companies[company.CompanyId];
            }

            var rebuilt = company with { Geofences = GeofenceIndex.Build(_fences[company.CompanyId].Values) };
            _companies[company.CompanyId] = rebuilt;
            return rebuilt;
        }
    }

    public Task SaveCompanyAsync(CompanySettings company, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(company);
        AddCompany(company);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> DevicesOfAsync(
        string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(_devices.Values
            .Where(device => device.CompanyId == companyId && vehicleIds.Contains(device.VehicleId))
            .GroupBy(device => device.VehicleId, StringComparer.Ordinal)
            .ToDictionary(
                vehicle => vehicle.Key,
                vehicle => (IReadOnlyList<string>)[.. vehicle.Select(device => device.DeviceId).Order(StringComparer.Ordinal)],
                StringComparer.Ordinal));

    public Task<CompanySettings?> CompanyAsync(string companyId, CancellationToken cancellationToken) =>
        Task.FromResult(_companies.TryGetValue(companyId, out var company) ? SettingsOf(company) : null);

    public Task<ListPage<CompanySettings>> CompaniesAsync(IdPage page, CancellationToken cancellationToken) =>
        Task.FromResult(InMemoryPages.Of(_companies.Values.Select(SettingsOf), company => company.CompanyId, page));

    private static CompanySettings SettingsOf(CompanyProfile company) =>
        new(company.CompanyId, company.Name, company.Rules, company.TimeZone, company.Currency, company.Disabled);

    public Task SaveVehicleAsync(VehicleProfile vehicle, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(deviceIds);
        lock (_gate)
        {
            if (!_companies.ContainsKey(vehicle.CompanyId))
            {
                throw new OwnershipConflictException($"Company {vehicle.CompanyId} does not exist.");
            }

            if (_vehicles.TryGetValue(vehicle.VehicleId, out var existing) && existing.CompanyId != vehicle.CompanyId)
            {
                throw new OwnershipConflictException($"Vehicle {vehicle.VehicleId} belongs to another company.");
            }

            if (deviceIds.FirstOrDefault(deviceId => _devices.TryGetValue(deviceId, out var device) && device.CompanyId != vehicle.CompanyId)
                is { } taken)
            {
                throw new OwnershipConflictException($"Device {taken} belongs to another company.");
            }

            AddVehicle(vehicle, [.. deviceIds]);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VehicleProfile>> VehiclesOfAsync(string companyId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VehicleProfile>>(VehiclesOf(companyId));

    public Task<ListPage<VehicleProfile>> VehiclesOfAsync(string companyId, IdPage page, IReadOnlyCollection<string>? only, CancellationToken cancellationToken) =>
        Task.FromResult(InMemoryPages.Of(
            _vehicles.Values.Where(vehicle => vehicle.CompanyId == companyId && (only is null || only.Contains(vehicle.VehicleId))),
            vehicle => vehicle.VehicleId,
            page));

    public Task<bool> DeleteVehicleAsync(string companyId, string vehicleId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_vehicles.TryGetValue(vehicleId, out var vehicle) || vehicle.CompanyId != companyId)
            {
                return Task.FromResult(false);
            }

            _vehicles.TryRemove(vehicleId, out _);
            foreach (var device in _devices.Values.Where(device => device.VehicleId == vehicleId).ToList())
            {
                _devices.TryRemove(device.DeviceId, out _);
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<string>> CompanyIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _companies.Values.Where(company => !company.Disabled).Select(company => company.CompanyId).Order(StringComparer.Ordinal)]);

    public Task SaveDriverAsync(DriverProfile driver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        lock (_gate)
        {
            if (!_companies.ContainsKey(driver.CompanyId))
            {
                throw new OwnershipConflictException($"Company {driver.CompanyId} does not exist.");
            }

            if (_drivers.TryGetValue(driver.DriverId, out var existing) && existing.CompanyId != driver.CompanyId)
            {
                throw new OwnershipConflictException($"Driver {driver.DriverId} belongs to another company.");
            }

            _drivers[driver.DriverId] = driver;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DriverProfile>> DriversOfAsync(string companyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DriverProfile>>(
                [.. _drivers.Values.Where(driver => driver.CompanyId == companyId).OrderBy(driver => driver.DriverId, StringComparer.Ordinal)]);
        }
    }

    public Task<ListPage<DriverProfile>> DriversOfAsync(string companyId, IdPage page, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(InMemoryPages.Of(_drivers.Values.Where(driver => driver.CompanyId == companyId), driver => driver.DriverId, page));
        }
    }

    public Task<bool> DeleteDriverAsync(string companyId, string driverId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_drivers.TryGetValue(driverId, out var driver) && driver.CompanyId == companyId && _drivers.Remove(driverId));
        }
    }

    public IReadOnlyList<VehicleProfile> VehiclesOf(string companyId) =>
        [.. _vehicles.Values.Where(vehicle => string.Equals(vehicle.CompanyId, companyId, StringComparison.Ordinal))
            .OrderBy(vehicle => vehicle.VehicleId, StringComparer.Ordinal)];

    public Task<IReadOnlyList<Geofence>> GeofencesOfAsync(string companyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Geofence> fences = _fences.TryGetValue(companyId, out var byId)
                ? [.. byId.Values.OrderBy(fence => fence.Id, StringComparer.Ordinal)]
                : [];
            return Task.FromResult(fences);
        }
    }

    public Task<Geofence?> GeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_fences.TryGetValue(companyId, out var byId) ? byId.GetValueOrDefault(geofenceId) : null);
        }
    }

    public Task SaveGeofenceAsync(Geofence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fence);
        if (!_companies.ContainsKey(fence.CompanyId))
        {
            throw new OwnershipConflictException($"Company {fence.CompanyId} does not exist.");
        }

        AddGeofence(fence);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteGeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var deleted = _fences.TryGetValue(companyId, out var byId) && byId.Remove(geofenceId);
            if (deleted)
            {
                _staleIndexes.Add(companyId);
            }

            return Task.FromResult(deleted);
        }
    }

    public Task<IReadOnlyDictionary<string, DeviceRegistration>> ResolveAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = new Dictionary<string, DeviceRegistration>(StringComparer.Ordinal);
        foreach (var deviceId in deviceIds)
        {
            if (_devices.TryGetValue(deviceId, out var registration))
            {
                // A vehicle saved again without naming this device keeps it: the device takes the vehicle's current settings.
                found[deviceId] = _vehicles.TryGetValue(registration.VehicleId, out var vehicle) && !ReferenceEquals(vehicle, registration.Vehicle)
                    ? registration with { Vehicle = vehicle }
                    : registration;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, DeviceRegistration>>(found);
    }

    public Task<IReadOnlyDictionary<string, CompanyProfile>> GetAsync(IReadOnlyCollection<string> companyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(companyIds);
        var found = new Dictionary<string, CompanyProfile>(StringComparer.Ordinal);
        foreach (var companyId in companyIds)
        {
            if (_companies.TryGetValue(companyId, out var company))
            {
                found[companyId] = WithCurrentFences(company);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, CompanyProfile>>(found);
    }
}
