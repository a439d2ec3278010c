using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>The directory's fences: each saved or deleted one moves its company's <c>config_version</c>, so ingestion reloads them.</summary>
public sealed partial class PostgresFleetDirectory
{
    private const string GeofenceColumns =
        "company_id, geofence_id, name, geometry, radius_meters, half_width_meters, alert_on, speed_limit_kmh, dwell_seconds, severity";

    public Task<IReadOnlyList<Geofence>> GeofencesOfAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list geofences",
            $"SELECT {GeofenceColumns} FROM geofences WHERE company_id = @company ORDER BY geofence_id COLLATE \"C\"",
            parameters => parameters.AddWithValue("company", companyId),
            ReadGeofence,
            cancellationToken);

    public Task<Geofence?> GeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a geofence",
            $"SELECT {GeofenceColumns} FROM geofences WHERE company_id = @company AND geofence_id = @geofence",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("geofence", geofenceId);
            },
            ReadGeofence,
            cancellationToken);

    public Task SaveGeofenceAsync(Geofence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fence);
        if (fence.Shape.Validate() is { } error)
        {
            throw new ArgumentException($"Geofence {fence.Id}: {error}.", nameof(fence));
        }

        return ExecuteAsync(
            "save a geofence",
            $"""
            WITH saved AS (
                INSERT INTO geofences ({GeofenceColumns})
                VALUES (@company, @geofence, @name, @geometry, @radius, @half_width, @alert_on, @speed_limit, @dwell, @severity)
                ON CONFLICT (company_id, geofence_id) DO UPDATE SET name = excluded.name, geometry = excluded.geometry,
                    radius_meters = excluded.radius_meters, half_width_meters = excluded.half_width_meters, alert_on = excluded.alert_on,
                    speed_limit_kmh = excluded.speed_limit_kmh, dwell_seconds = excluded.dwell_seconds, severity = excluded.severity
                RETURNING company_id)
            UPDATE companies SET config_version = config_version + 1 WHERE company_id IN (SELECT company_id FROM saved)
            """,
            parameters =>
            {
                parameters.AddWithValue("company", fence.CompanyId);
                parameters.AddWithValue("geofence", fence.Id);
                parameters.AddWithValue("name", fence.Name);
                parameters.Add(new NpgsqlParameter("geometry", NpgsqlDbType.Json) { Value = GeoJsonGeometry.Write(fence.Shape) });
                parameters.Add(Nullable("radius", GeoJsonGeometry.RadiusMetersOf(fence.Shape)));
                parameters.Add(Nullable("half_width", GeoJsonGeometry.HalfWidthMetersOf(fence.Shape)));
                parameters.AddWithValue("alert_on", EnumText.Of(fence.AlertOn));
                parameters.Add(Nullable("speed_limit", fence.SpeedLimitKmh));
                parameters.Add(Nullable("dwell", fence.Dwell?.TotalSeconds));
                parameters.AddWithValue("severity", EnumText.Of(fence.Severity));
            },
            cancellationToken,
            fence.CompanyId);
    }

    public async Task<bool> DeleteGeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "delete a geofence",
            """
            WITH deleted AS (DELETE FROM geofences WHERE company_id = @company AND geofence_id = @geofence RETURNING company_id)
            UPDATE companies SET config_version = config_version + 1 WHERE company_id IN (SELECT company_id FROM deleted)
            """,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("geofence", geofenceId);
            },
            cancellationToken) > 0;

    private static Geofence ReadGeofence(NpgsqlDataReader reader) => new(
        reader.GetString(1),
        reader.GetString(0),
        reader.GetString(2),
        GeoJsonGeometry.Read(reader.GetString(3), reader.NullableDouble(4), reader.NullableDouble(5)),
        EnumText.Parse<GeofenceAlertRule>(reader.GetString(6)),
        reader.NullableDouble(7),
        reader.NullableDouble(8) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        EnumText.Parse<AlertSeverity>(reader.GetString(9)));
}
