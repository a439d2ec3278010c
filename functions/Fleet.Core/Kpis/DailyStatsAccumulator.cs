using Fleet.Core.Fleet;
using Fleet.Core.Trips;

namespace Fleet.Core.Kpis;

/// <summary>Sums one vehicle's activity per local day during a pipeline run.</summary>
internal sealed class DailyStatsAccumulator(VehicleContext context)
{
    private readonly Dictionary<DateOnly, DailyStats> _days = [];
    private readonly TimeZoneInfo _timeZone = context.Company.TimeZone;

    // Converting every fix to local time is the costliest part of this; consecutive fixes share a day.
    private DateTimeOffset _dayStart = DateTimeOffset.MaxValue;
    private DateTimeOffset _dayEnd = DateTimeOffset.MinValue;
    private DateOnly _day;

    public void AddMovement(DateTimeOffset time, double distanceKm, TimeSpan moving, TimeSpan idle)
    {
        if (distanceKm == 0 && moving == TimeSpan.Zero && idle == TimeSpan.Zero)
        {
            return;
        }

        Add(time, new DailyStats(context.Vehicle.CompanyId, context.Vehicle.VehicleId, default, distanceKm, 0, 0, 0, moving.TotalSeconds, idle.TotalSeconds));
    }

    public void AddTrip(TripRecord trip)
    {
        if (trip.EndTime is { } end)
        {
            Add(end, new DailyStats(context.Vehicle.CompanyId, context.Vehicle.VehicleId, default, TripsCompleted: 1, FuelUsedLiters: trip.FuelUsedLiters ?? 0));
        }
        else
        {
            Add(trip.StartTime, new DailyStats(context.Vehicle.CompanyId, context.Vehicle.VehicleId, default, TripsStarted: 1));
        }
    }

    public List<DailyStats> ToList() => [.. _days.Values.OrderBy(stats => stats.Day)];

    private void Add(DateTimeOffset time, DailyStats delta)
    {
        var day = DayOf(time);
        _days[day] = _days.TryGetValue(day, out var existing) ? existing.Add(delta) : delta with { Day = day };
    }

    private DateOnly DayOf(DateTimeOffset time)
    {
        if (time < _dayStart || time >= _dayEnd)
        {
            _day = CompanyDay.Of(time, _timeZone);
            (_dayStart, _dayEnd) = CompanyDay.Bounds(_day, _timeZone);
        }

        return _day;
    }
}

/// <summary>Days as the company lives them: "today" is counted in its own time zone.</summary>
public static class CompanyDay
{
    public static DateOnly Of(DateTimeOffset time, TimeZoneInfo timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, timeZone).DateTime);

    /// <summary>The UTC instants where the local day starts and ends.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(DateOnly day, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        return (StartOf(day, timeZone), StartOf(day.AddDays(1), timeZone));
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo timeZone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Where midnight falls in a spring-forward gap, the day starts at the first valid instant after it.
        while (timeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }
}
