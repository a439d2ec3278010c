using System.Collections.Concurrent;
using Fleet.Core.Registry;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Settings;

namespace Fleet.Adapters.InMemory;

/// <summary>Companies, vehicles, devices and fences held in memory (the local host's default mode and fast tests).</summary>
public sealed class InMemoryFleetDirectory : IDeviceRegistry, ICompanyDirectory
{
    private readonly ConcurrentDictionary<string, CompanyProfile> _companies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceRegistration> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VehicleProfile> _vehicles = new(StringComparer.Ordinal);
    private readonly object _fenceLock = new();

    public void AddCompany(string companyId, string name, RuleSettings? rules = null, TimeZoneInfo? timeZone = null) =>
        _companies[companyId] = new CompanyProfile(companyId, name, rules ?? RuleSettings.Default, timeZone ?? TimeZoneInfo.Utc, GeofenceIndex.Empty);

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

        lock (_fenceLock)
        {
            var company = _companies.TryGetValue(fence.CompanyId, out var existing)
                ? existing
                : throw new InvalidOperationException($"Company {fence.CompanyId} must be added before its geofence {fence.Id}.");
            var fences = company.Geofences.All.Where(other => !string.Equals(other.Id, fence.Id, StringComparison.Ordinal)).Append(fence);
            _companies[fence.CompanyId] = company with { Geofences = GeofenceIndex.Build(fences) };
        }
    }

    public IReadOnlyList<VehicleProfile> VehiclesOf(string companyId) =>
        [.. _vehicles.Values.Where(vehicle => string.Equals(vehicle.CompanyId, companyId, StringComparison.Ordinal))
            .OrderBy(vehicle => vehicle.VehicleId, StringComparer.Ordinal)];

    public Task<IReadOnlyDictionary<string, DeviceRegistration>> ResolveAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = new Dictionary<string, DeviceRegistration>(StringComparer.Ordinal);
        foreach (var deviceId in deviceIds)
        {
            if (_devices.TryGetValue(deviceId, out var registration))
            {
                found[deviceId] = registration;
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
                found[companyId] = company;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, CompanyProfile>>(found);
    }
}
