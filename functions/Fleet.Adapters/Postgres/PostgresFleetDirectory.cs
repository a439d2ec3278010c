using System.Collections.Concurrent;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Devices, vehicles, companies and fences in PostgreSQL, listed in code-point order (<c>COLLATE "C"</c>) as the in-memory
/// directory lists them. A company's profile, with its fence index, is built once and
/// kept until the company's <c>config_version</c> moves: each batch then costs one indexed look-up of versions, and a
/// fence change reaches every instance on its next batch.
/// </summary>
public sealed partial class PostgresFleetDirectory(NpgsqlDataSource dataSource, PostgresRetry retry) : IDeviceRegistry, ICompanyDirectory, IFleetConfiguration
{
    private const string VehicleColumns =
        "v.vehicle_id, v.company_id, v.name, v.vehicle_class, v.speed_limit_kmh, v.fuel_capacity_liters, " +
        "v.expected_report_interval_seconds, v.service_interval_km, v.initial_odometer_km, v.harsh_braking_mps2, v.harsh_acceleration_mps2";

    private const string CompanyColumns = "company_id, name, time_zone, rules, currency, disabled";

    private readonly ConcurrentDictionary<string, (long Version, CompanyProfile Profile)> _profiles = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, DeviceRegistration>> ResolveAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return retry.ExecuteAsync("resolve devices", async token =>
        {
            var registrations = new Dictionary<string, DeviceRegistration>(StringComparer.Ordinal);
            await using var command = dataSource.CreateCommand(
                $"SELECT d.device_id, {VehicleColumns} FROM devices d JOIN vehicles v ON v.vehicle_id = d.vehicle_id WHERE d.device_id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", deviceIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                var deviceId = reader.GetString(0);
                registrations[deviceId] = new DeviceRegistration(deviceId, ReadVehicle(reader, 1));
            }

            return (IReadOnlyDictionary<string, DeviceRegistration>)registrations;
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, CompanyProfile>> GetAsync(IReadOnlyCollection<string> companyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(companyIds);
        var versions = await retry.ExecuteAsync("read company versions", async token =>
        {
            var found = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var command = dataSource.CreateCommand("SELECT company_id, config_version FROM companies WHERE company_id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", companyIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                found[reader.GetString(0)] = reader.GetInt64(1);
            }

            return found;
        }, cancellationToken);

        var stale = versions.Where(pair => !_profiles.TryGetValue(pair.Key, out var cached) || cached.Version != pair.Value).Select(pair => pair.Key).ToList();
        if (stale.Count > 0)
        {
            foreach (var (companyId, loaded) in await LoadProfilesAsync(stale, cancellationToken))
            {
                _profiles[companyId] = loaded;
            }
        }

        var profiles = new Dictionary<string, CompanyProfile>(StringComparer.Ordinal);
        foreach (var companyId in versions.Keys)
        {
            if (_profiles.TryGetValue(companyId, out var cached))
            {
                profiles[companyId] = cached.Profile;
            }
        }

        return profiles;
    }

    /// <summary>
    /// The company rows are read before their fences, so a fence saved in between is at worst cached under the older
    /// version, and the next batch loads it again; a profile is never cached as newer than it is.
    /// </summary>
    private Task<Dictionary<string, (long Version, CompanyProfile Profile)>> LoadProfilesAsync(List<string> companyIds, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("load company profiles", async token =>
        {
            await using var batch = dataSource.CreateBatch();
            var ids = PostgresReads.Array("ids", NpgsqlDbType.Text, companyIds);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"SELECT {CompanyColumns}, config_version FROM companies WHERE company_id = ANY(@ids)") { Parameters = { ids } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"SELECT {GeofenceColumns} FROM geofences WHERE company_id = ANY(@ids)") { Parameters = { ids.Clone() } });
            await using var reader = await batch.ExecuteReaderAsync(token);

            var companies = new List<(long Version, CompanySettings Settings)>();
            while (await reader.ReadAsync(token))
            {
                companies.Add((reader.GetInt64(6), ReadCompany(reader)));
            }

            await reader.NextResultAsync(token);
            var fences = new List<Geofence>();
            while (await reader.ReadAsync(token))
            {
                fences.Add(ReadGeofence(reader));
            }

            var fencesByCompany = fences.ToLookup(fence => fence.CompanyId, StringComparer.Ordinal);
            return companies.ToDictionary(
                company => company.Settings.CompanyId,
                company => (company.Version, CompanyProfile.Of(company.Settings, GeofenceIndex.Build(fencesByCompany[company.Settings.CompanyId]))),
                StringComparer.Ordinal);
        }, cancellationToken);

    public Task SaveCompanyAsync(CompanySettings company, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(company);
        return ExecuteAsync(
            "save a company",
            """
            INSERT INTO companies (company_id, name, time_zone, rules, currency, disabled) VALUES (@company, @name, @zone, @rules, @currency, @disabled)
            ON CONFLICT (company_id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, rules = excluded.rules,
                currency = excluded.currency, disabled = excluded.disabled, config_version = companies.config_version + 1
            """,
            parameters =>
            {
                parameters.AddWithValue("company", company.CompanyId);
                parameters.AddWithValue("name", company.Name);
                parameters.AddWithValue("zone", company.TimeZone.Id);
                parameters.AddWithValue("currency", company.Currency);
                parameters.AddWithValue("disabled", company.Disabled);
                parameters.Add(new NpgsqlParameter("rules", NpgsqlDbType.Json)
                {
                    Value = company.Rules == RuleSettings.Default ? DBNull.Value : PostgresJson.Serialize(company.Rules),
                });
            },
            cancellationToken);
    }

    public Task<CompanySettings?> CompanyAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a company",
            $"SELECT {CompanyColumns} FROM companies WHERE company_id = @company",
            parameters => parameters.AddWithValue("company", companyId),
            ReadCompany,
            cancellationToken);

    public Task<ListPage<CompanySettings>> CompaniesAsync(IdPage page, CancellationToken cancellationToken) =>
        PostgresReads.IdPageAsync(
            dataSource, retry, "list companies", $"SELECT {CompanyColumns} FROM companies", "true", "company_id", page, _ => { }, ReadCompany, cancellationToken);

    public Task SaveVehicleAsync(VehicleProfile vehicle, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(deviceIds);
        return retry.ExecuteAsync("save a vehicle", async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using (var command = new NpgsqlCommand(
                """
                INSERT INTO vehicles (vehicle_id, company_id, name, vehicle_class, speed_limit_kmh, fuel_capacity_liters,
                    expected_report_interval_seconds, service_interval_km, initial_odometer_km, harsh_braking_mps2, harsh_acceleration_mps2)
                VALUES (@vehicle, @company, @name, @class, @speed_limit, @fuel_capacity, @report_interval, @service_interval, @initial_odometer,
                    @harsh_braking, @harsh_acceleration)
                ON CONFLICT (vehicle_id) DO UPDATE SET name = excluded.name, vehicle_class = excluded.vehicle_class,
                    speed_limit_kmh = excluded.speed_limit_kmh, fuel_capacity_liters = excluded.fuel_capacity_liters,
                    expected_report_interval_seconds = excluded.expected_report_interval_seconds,
                    service_interval_km = excluded.service_interval_km, initial_odometer_km = excluded.initial_odometer_km,
                    harsh_braking_mps2 = excluded.harsh_braking_mps2, harsh_acceleration_mps2 = excluded.harsh_acceleration_mps2
                WHERE vehicles.company_id = excluded.company_id
                RETURNING vehicle_id
                """,
                connection,
                transaction))
            {
                command.Parameters.AddWithValue("vehicle", vehicle.VehicleId);
                command.Parameters.AddWithValue("company", vehicle.CompanyId);
                command.Parameters.AddWithValue("name", vehicle.Name);
                command.Parameters.AddWithValue("class", EnumText.Of(vehicle.VehicleClass));
                command.Parameters.Add(Nullable("speed_limit", vehicle.SpeedLimitKmh));
                command.Parameters.Add(Nullable("fuel_capacity", vehicle.FuelCapacityLiters));
                command.Parameters.Add(Nullable("report_interval", vehicle.ExpectedReportInterval?.TotalSeconds));
                command.Parameters.Add(Nullable("service_interval", vehicle.ServiceIntervalKm));
                command.Parameters.AddWithValue("initial_odometer", vehicle.InitialOdometerKm);
                command.Parameters.Add(Nullable("harsh_braking", vehicle.HarshBrakingMetersPerSecondSquared));
                command.Parameters.Add(Nullable("harsh_acceleration", vehicle.HarshAccelerationMetersPerSecondSquared));
                if (await WithOwnershipErrorsAsync(() => command.ExecuteScalarAsync(token), vehicle.CompanyId) is null)
                {
                    throw new OwnershipConflictException($"Vehicle {vehicle.VehicleId} belongs to another company.");
                }
            }

            if (deviceIds.Count > 0)
            {
                // A device moves only between vehicles of the same company.
                await using var command = new NpgsqlCommand(
                    """
                    INSERT INTO devices (device_id, vehicle_id) SELECT unnest(@devices), @vehicle
                    ON CONFLICT (device_id) DO UPDATE SET vehicle_id = excluded.vehicle_id
                    WHERE devices.vehicle_id IN (SELECT vehicle_id FROM vehicles WHERE company_id = @company)
                    RETURNING device_id
                    """,
                    connection,
                    transaction);
                command.Parameters.AddWithValue("devices", deviceIds.Distinct(StringComparer.Ordinal).ToArray());
                command.Parameters.AddWithValue("vehicle", vehicle.VehicleId);
                command.Parameters.AddWithValue("company", vehicle.CompanyId);
                var attached = new HashSet<string>(StringComparer.Ordinal);
                await using (var reader = await command.ExecuteReaderAsync(token))
                {
                    while (await reader.ReadAsync(token))
                    {
                        attached.Add(reader.GetString(0));
                    }
                }

                if (deviceIds.FirstOrDefault(deviceId => !attached.Contains(deviceId)) is { } taken)
                {
                    throw new OwnershipConflictException($"Device {taken} belongs to another company.");
                }
            }

            await transaction.CommitAsync(token);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<VehicleProfile>> VehiclesOfAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list vehicles",
            $"SELECT {VehicleColumns} FROM vehicles v WHERE v.company_id = @company ORDER BY v.vehicle_id COLLATE \"C\"",
            parameters => parameters.AddWithValue("company", companyId),
            reader => ReadVehicle(reader, 0),
            cancellationToken);

    public Task<ListPage<VehicleProfile>> VehiclesOfAsync(string companyId, IdPage page, IReadOnlyCollection<string>? only, CancellationToken cancellationToken) =>
        PostgresReads.IdPageAsync(
            dataSource,
            retry,
            "list a page of vehicles",
            $"SELECT {VehicleColumns} FROM vehicles v",
            only is null ? "v.company_id = @company" : "v.company_id = @company AND v.vehicle_id = ANY(@only)",
            "v.vehicle_id",
            page,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                if (only is not null)
                {
                    parameters.Add(PostgresReads.Array("only", NpgsqlDbType.Text, only));
                }
            },
            reader => ReadVehicle(reader, 0),
            cancellationToken);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> DevicesOfAsync(
        string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleIds);
        var devices = await PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list devices",
            """
            SELECT d.vehicle_id, d.device_id FROM devices d JOIN vehicles v ON v.vehicle_id = d.vehicle_id
            WHERE v.company_id = @company AND d.vehicle_id = ANY(@vehicles)
            ORDER BY d.device_id COLLATE "C"
            """,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.Add(PostgresReads.Array("vehicles", NpgsqlDbType.Text, vehicleIds));
            },
            reader => (VehicleId: reader.GetString(0), DeviceId: reader.GetString(1)),
            cancellationToken);
        return devices.GroupBy(device => device.VehicleId, StringComparer.Ordinal).ToDictionary(
            vehicle => vehicle.Key, vehicle => (IReadOnlyList<string>)[.. vehicle.Select(device => device.DeviceId)], StringComparer.Ordinal);
    }

    // Devices go with the vehicle (ON DELETE CASCADE); positions, trips and state stay as history.
    public async Task<bool> DeleteVehicleAsync(string companyId, string vehicleId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "delete a vehicle",
            "DELETE FROM vehicles WHERE company_id = @company AND vehicle_id = @vehicle",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("vehicle", vehicleId);
            },
            cancellationToken) > 0;

    public Task<IReadOnlyList<string>> CompanyIdsAsync(CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource, retry, "list active companies", "SELECT company_id FROM companies WHERE NOT disabled ORDER BY company_id COLLATE \"C\"", _ => { }, reader => reader.GetString(0), cancellationToken);

    public async Task SaveDriverAsync(DriverProfile driver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var saved = await ExecuteAsync(
            "save a driver",
            """
            INSERT INTO drivers (driver_id, company_id, name, user_id) VALUES (@driver, @company, @name, @user)
            ON CONFLICT (driver_id) DO UPDATE SET name = excluded.name, user_id = excluded.user_id
            WHERE drivers.company_id = excluded.company_id
            """,
            parameters =>
            {
                parameters.AddWithValue("driver", driver.DriverId);
                parameters.AddWithValue("company", driver.CompanyId);
                parameters.AddWithValue("name", driver.Name);
                parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Text) { Value = (object?)driver.UserId ?? DBNull.Value });
            },
            cancellationToken,
            driver.CompanyId);
        if (saved == 0)
        {
            throw new OwnershipConflictException($"Driver {driver.DriverId} belongs to another company.");
        }
    }

    public Task<IReadOnlyList<DriverProfile>> DriversOfAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list drivers",
            "SELECT driver_id, company_id, name, user_id FROM drivers WHERE company_id = @company ORDER BY driver_id COLLATE \"C\"",
            parameters => parameters.AddWithValue("company", companyId),
            ReadDriver,
            cancellationToken);

    public Task<ListPage<DriverProfile>> DriversOfAsync(string companyId, IdPage page, CancellationToken cancellationToken) =>
        PostgresReads.IdPageAsync(
            dataSource,
            retry,
            "list a page of drivers",
            "SELECT driver_id, company_id, name, user_id FROM drivers",
            "company_id = @company",
            "driver_id",
            page,
            parameters => parameters.AddWithValue("company", companyId),
            ReadDriver,
            cancellationToken);

    public async Task<bool> DeleteDriverAsync(string companyId, string driverId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "delete a driver",
            "DELETE FROM drivers WHERE company_id = @company AND driver_id = @driver",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("driver", driverId);
            },
            cancellationToken) > 0;

    private static CompanySettings ReadCompany(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(3) ? RuleSettings.Default : PostgresJson.DeserializeRules(reader.GetString(3)),
        TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(2)),
        reader.GetString(4),
        reader.GetBoolean(5));

    private static DriverProfile ReadDriver(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.NullableString(3));

    private static VehicleProfile ReadVehicle(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        EnumText.Parse<VehicleClass>(reader.GetString(first + 3)),
        reader.NullableDouble(first + 4),
        reader.NullableDouble(first + 5),
        reader.NullableDouble(first + 6) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        reader.NullableDouble(first + 7),
        reader.GetDouble(first + 8),
        reader.NullableDouble(first + 9),
        reader.NullableDouble(first + 10));

    private static NpgsqlParameter Nullable(string name, double? value) =>
        new(name, NpgsqlDbType.Double) { Value = value is { } present ? present : DBNull.Value };

    /// <summary>A row naming a company that does not exist is the caller's mistake, not a server failure.</summary>
    private static async Task<T> WithOwnershipErrorsAsync<T>(Func<Task<T>> action, string companyId)
    {
        try
        {
            return await action();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new OwnershipConflictException($"Company {companyId} does not exist.");
        }
    }

    private Task<int> ExecuteAsync(
        string operation, string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken, string? companyId = null) =>
        retry.ExecuteAsync(operation, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            bind(command.Parameters);
            return companyId is null
                ? await command.ExecuteNonQueryAsync(token)
                : await WithOwnershipErrorsAsync(() => command.ExecuteNonQueryAsync(token), companyId);
        }, cancellationToken);
}
