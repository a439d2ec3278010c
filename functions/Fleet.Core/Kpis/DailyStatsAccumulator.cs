using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Fleet.Core.Registry;
using Fleet.Core.Trips;

namespace Fleet.Core.Kpis;

/// <summary>
/// Sums one vehicle's activity per local day during a pipeline run. A mutable struct, held in a field of the run's
/// builder: a run rarely spans midnight, so counting the first day allocates nothing.
/// </summary>
internal struct DailyStatsAccumulator(VehicleContext context)
{
    private Totals _first;
    private Dictionary<DateOnly, Totals>? _others;

    /// <param name="fuelUsedLiters">Counted live as the fuel level falls (see <c>FuelConsumption</c>), not when a trip ends.</param>
    public void AddMovement(DateTimeOffset time, double distanceKm, TimeSpan moving, TimeSpan idle, double fuelUsedLiters)
    {
        if (distanceKm == 0 && moving == TimeSpan.Zero && idle == TimeSpan.Zero && fuelUsedLiters == 0)
        {
            return;
        }

        ref var totals = ref For(time);
        totals.DistanceKm += distanceKm;
        totals.MovingSeconds += moving.TotalSeconds;
        totals.IdleSeconds += idle.TotalSeconds;
        totals.FuelUsedLiters += fuelUsedLiters;
    }

    public void AddTrip(TripRecord trip)
    {
        if (trip.EndTime is { } end)
        {
            ref var totals = ref For(end);
            totals.TripsCompleted += trip.Status == TripStatus.Completed ? 1 : 0;
            totals.TripsCancelled += trip.Status == TripStatus.Cancelled ? 1 : 0;
        }
        else
        {
            For(trip.StartTime).TripsStarted++;
        }
    }

    public readonly IReadOnlyList<DailyStats> ToList()
    {
        if (!_first.Counted)
        {
            return [];
        }

        if (_others is null)
        {
            return [ToStats(_first)];
        }

        return [.. _others.Values.Prepend(_first).OrderBy(totals => totals.Day).Select(ToStats)];
    }

    private readonly DailyStats ToStats(Totals totals) => new(
        context.Vehicle.CompanyId, context.Vehicle.VehicleId, totals.Day, totals.DistanceKm, totals.TripsStarted,
        totals.TripsCompleted, totals.TripsCancelled, totals.FuelUsedLiters, totals.MovingSeconds, totals.IdleSeconds);

    [UnscopedRef]
    private ref Totals For(DateTimeOffset time)
    {
        var day = CompanyDay.Of(time, context.Company.TimeZone);
        if (!_first.Counted)
        {
            _first = new Totals { Day = day, Counted = true };
            return ref _first;
        }

        if (_first.Day == day)
        {
            return ref _first;
        }

        _others ??= [];
        ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_others, day, out var exists);
        if (!exists)
        {
            totals = new Totals { Day = day, Counted = true };
        }

        return ref totals;
    }

    private struct Totals
    {
        public DateOnly Day;
        public bool Counted;
        public double DistanceKm;
        public int TripsStarted;
        public int TripsCompleted;
        public int TripsCancelled;
        public double FuelUsedLiters;
        public double MovingSeconds;
        public double IdleSeconds;
    }
}

/// <summary>Days as the company lives them: "today" is counted in its own time zone.</summary>
public static class CompanyDay
{
    private const int QuarterHourMinutes = 15;

    // Converting to local time is costly next to the rest of a fix's processing, and consecutive fixes share a day.
    private static readonly ConcurrentDictionary<string, DayWindow> LastWindows = new(StringComparer.Ordinal);

    public static DateOnly Of(DateTimeOffset time, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        if (timeZone.BaseUtcOffset == TimeSpan.Zero && !timeZone.SupportsDaylightSavingTime)
        {
            return DateOnly.FromDateTime(time.UtcDateTime);
        }

        if (LastWindows.TryGetValue(timeZone.Id, out var window) && time >= window.Start && time < window.End)
        {
            return window.Day;
        }

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, timeZone).DateTime);
        var (start, end) = Bounds(day, timeZone);
        LastWindows[timeZone.Id] = new DayWindow(day, start, end);
        return day;
    }

    /// <summary>The UTC instants where the local day starts and ends.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Bounds(DateOnly day, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        return (StartOf(day, timeZone), StartOf(day.AddDays(1), timeZone));
    }

    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo timeZone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Where midnight falls in a spring-forward gap, the day starts at the first valid instant after it (zone offsets,
        // and so their gaps, are whole quarter hours).
        while (timeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(QuarterHourMinutes);
        }

        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }

    private sealed record DayWindow(DateOnly Day, DateTimeOffset Start, DateTimeOffset End);
}
