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
    private readonly Dictionary<string, Dictionary<string, Geofence>> _fences = new(StringComparer.Ordinal);

    // Companies whose fences changed since their index was built: rebuilding once when next read, not on every add,
    // keeps seeding many fences linear.
    private readonly HashSet<string> _staleIndexes = new(StringComparer.Ordinal);

    public void AddCompany(string companyId, string name, RuleSettings? rules = null, TimeZoneInfo? timeZone = null)
    {
        lock (_fenceLock)
        {
            _companies[companyId] = new CompanyProfile(companyId, name, rules ?? RuleSettings.Default, timeZone ?? TimeZoneInfo.Utc, GeofenceIndex.Empty);
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

        lock (_fenceLock)
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
        lock (_fenceLock)
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
                found[companyId] = WithCurrentFences(company);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, CompanyProfile>>(found);
    }
}
