using System.Collections.Immutable;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>A confirmed boundary crossing, dated when it was first observed (or interpolated, for a pass-through).</summary>
public sealed record GeofenceEvent(Geofence Fence, GeofenceTransition Transition, DateTimeOffset Time, GeoPoint Position, bool Crossing);

/// <summary>
/// Geofence enter/exit with dwell hysteresis: a change of side counts once it has lasted the fence's dwell time, so
/// GPS jitter on a boundary does not flap. A segment between two sparse fixes that passes through a fence counts too.
/// </summary>
public static class GeofenceTracker
{
    // Bounds a pathological fence (a continent-sized polygon crossed by a long gap); a city-scale fence needs far fewer.
    private const int MaxCrossingSamples = 100_000;
    private const int BisectionSteps = 16;

    public readonly record struct Result(
        ImmutableArray<GeofenceMembership> Memberships,
        IReadOnlyList<Geofence> Containing,
        IReadOnlyList<GeofenceEvent> Events);

    public static Result Apply(ImmutableArray<GeofenceMembership> memberships, FixStep step, GeofenceIndex index, GeofenceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(settings);
        if (index.All.Count == 0 && memberships.IsEmpty)
        {
            return new Result(memberships, [], []);
        }

        var containing = index.FindContaining(step.Position);
        List<GeofenceEvent>? events = null;
        if (Settled(memberships, containing))
        {
            DetectCrossings(memberships, containing, step, index, settings, ref events);
            return new Result(memberships, containing, InTimeOrder(events));
        }

        var builder = ImmutableArray.CreateBuilder<GeofenceMembership>(memberships.Length + containing.Length);
        var changed = false;
        foreach (var membership in memberships)
        {
            if (index.Find(membership.FenceId) is not { } fence)
            {
                // A deleted fence ends silently: nobody crossed anything.
                changed = true;
                continue;
            }

            var next = Advance(membership, fence, Array.IndexOf(containing, fence) >= 0, step, settings, ref events);
            changed |= next != membership;
            if (next.Inside || next.PendingSince is not null)
            {
                builder.Add(next);
            }
        }

        foreach (var fence in containing)
        {
            if (!Tracks(memberships, fence.Id))
            {
                var next = Advance(new GeofenceMembership(fence.Id, false, null), fence, true, step, settings, ref events);
                builder.Add(next);
                changed = true;
            }
        }

        DetectCrossings(memberships, containing, step, index, settings, ref events);

        if (changed)
        {
            builder.Sort((a, b) => string.CompareOrdinal(a.FenceId, b.FenceId));
        }

        return new Result(changed ? builder.ToImmutable() : memberships, containing, InTimeOrder(events));
    }

    /// <summary>True when every tracked fence agrees with where the fix is and no untracked fence contains it.</summary>
    private static bool Settled(ImmutableArray<GeofenceMembership> memberships, Geofence[] containing)
    {
        if (memberships.Length != containing.Length)
        {
            return false;
        }

        foreach (var membership in memberships)
        {
            if (membership.PendingSince is not null || !membership.Inside || !Contains(containing, membership.FenceId))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(Geofence[] fences, string fenceId)
    {
        foreach (var fence in fences)
        {
            if (string.Equals(fence.Id, fenceId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static GeofenceMembership Advance(
        GeofenceMembership membership, Geofence fence, bool inside, FixStep step, GeofenceSettings settings, ref List<GeofenceEvent>? events)
    {
        var dwell = fence.Dwell ?? settings.DefaultDwell;
        if (inside == membership.Inside)
        {
            if (membership.PendingSince is { } pendingSince && membership.Crossed is { } crossed && step.Previous is { } previous)
            {
                AddExcursion(fence, membership.Inside, crossed, pendingSince, previous, step, dwell, ref events);
            }

            return membership with { PendingSince = null, Crossed = null };
        }

        if (membership.PendingSince is not { } since)
        {
            since = step.Time;
            membership = membership with
            {
                PendingSince = since,
                Crossed = step.Previous is { } before ? new BoundaryCrossing(before.Time, before.Position, step.Position) : null,
            };
        }

        if (step.Time - since < dwell)
        {
            return membership;
        }

        (events ??= []).Add(new GeofenceEvent(
            fence, inside ? GeofenceTransition.Enter : GeofenceTransition.Exit, since, step.Position, Crossing: false));
        return new GeofenceMembership(fence.Id, inside, null);
    }

    /// <summary>
    /// A change of side seen at too few fixes to confirm it can still have lasted the dwell, when the fixes around it
    /// are so sparse that the gaps alone could hold the dwell: then where the boundary was crossed on the way there and
    /// back is estimated, and if that lasted the dwell both crossings count. Dense fixes have already shown how long
    /// the vehicle stayed, which is what keeps boundary jitter from flapping.
    /// </summary>
    /// <param name="firstOnNewSide">When the first fix on the new side was taken.</param>
    private static void AddExcursion(
        Geofence fence,
        bool wasInside,
        BoundaryCrossing crossed,
        DateTimeOffset firstOnNewSide,
        FixSnapshot lastOnNewSide,
        FixStep step,
        TimeSpan dwell,
        ref List<GeofenceEvent>? events)
    {
        if ((firstOnNewSide - crossed.BeforeTime) + (step.Time - lastOnNewSide.Time) < dwell)
        {
            return;
        }

        var outbound = BoundaryBetween(fence.Shape, crossed.Before, crossed.After);
        var inbound = BoundaryBetween(fence.Shape, lastOnNewSide.Position, step.Position);
        var leftAt = crossed.BeforeTime + (firstOnNewSide - crossed.BeforeTime) * outbound;
        var backAt = lastOnNewSide.Time + (step.Time - lastOnNewSide.Time) * inbound;
        if (backAt - leftAt < dwell)
        {
            return;
        }

        events ??= [];
        events.Add(new GeofenceEvent(
            fence, wasInside ? GeofenceTransition.Exit : GeofenceTransition.Enter, leftAt, GeoMath.Interpolate(crossed.Before, crossed.After, outbound), true));
        events.Add(new GeofenceEvent(
            fence, wasInside ? GeofenceTransition.Enter : GeofenceTransition.Exit, backAt, GeoMath.Interpolate(lastOnNewSide.Position, step.Position, inbound), true));
    }

    private static void DetectCrossings(
        ImmutableArray<GeofenceMembership> memberships,
        Geofence[] containing,
        FixStep step,
        GeofenceIndex index,
        GeofenceSettings settings,
        ref List<GeofenceEvent>? events)
    {
        // Dense fixes already show how long the vehicle was inside; only a gap longer than the dwell can hide a visit.
        if (step.Previous is not { } previous || step.SincePrevious <= index.ShortestDwell(settings.DefaultDwell))
        {
            return;
        }

        var candidates = new List<Geofence>();
        index.FindNearSegment(previous.Position, step.Position, candidates);
        foreach (var fence in candidates)
        {
            if (step.SincePrevious <= (fence.Dwell ?? settings.DefaultDwell) ||
                Tracks(memberships, fence.Id) || Array.IndexOf(containing, fence) >= 0 || fence.Shape.Contains(previous.Position))
            {
                continue;
            }

            if (InsideInterval(fence.Shape, previous.Position, step.Position, settings.MinCrossingInsideMeters) is not { } interval)
            {
                continue;
            }

            var (enter, exit) = interval;
            var seconds = step.SincePrevious.TotalSeconds;
            events ??= [];
            events.Add(new GeofenceEvent(
                fence, GeofenceTransition.Enter, previous.Time.AddSeconds(seconds * enter), GeoMath.Interpolate(previous.Position, step.Position, enter), true));
            events.Add(new GeofenceEvent(
                fence, GeofenceTransition.Exit, previous.Time.AddSeconds(seconds * exit), GeoMath.Interpolate(previous.Position, step.Position, exit), true));
        }
    }

    /// <summary>
    /// The fractions along a->b where the segment enters and leaves the shape, if at least
    /// <paramref name="minInsideMeters"/> of it is inside. Only the part of the segment within the shape's bounds is
    /// sampled, every half of that length, so no such stretch can fall between two samples.
    /// </summary>
    internal static (double Enter, double Exit)? InsideInterval(GeofenceShape shape, GeoPoint a, GeoPoint b, double minInsideMeters)
    {
        var lengthMeters = GeoMath.DistanceMeters(a, b);
        if (lengthMeters < minInsideMeters || ClipToBounds(shape.Bounds, a, b) is not var (from, to) || (to - from) * lengthMeters < minInsideMeters)
        {
            return null;
        }

        var samples = (int)Math.Min(MaxCrossingSamples, Math.Max(4, Math.Ceiling((to - from) * lengthMeters / (minInsideMeters / 2))));
        var step = (to - from) / samples;
        int first = -1, last = -1;
        for (var i = 0; i <= samples; i++)
        {
            if (shape.Contains(GeoMath.Interpolate(a, b, from + i * step)))
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (first < 0)
        {
            return null;
        }

        var enter = first == 0 ? from : Boundary(shape, a, b, from + (first - 1) * step, from + first * step);
        var exit = last == samples ? to : Boundary(shape, a, b, from + (last + 1) * step, from + last * step);
        return (exit - enter) * lengthMeters >= minInsideMeters ? (enter, exit) : null;
    }

    /// <summary>The fractions of a->b inside a bounding box (Liang-Barsky clipping), or null if it misses the box.</summary>
    private static (double From, double To)? ClipToBounds(BoundingBox box, GeoPoint a, GeoPoint b)
    {
        double from = 0, to = 1;
        var dLatitude = b.Latitude - a.Latitude;
        var dLongitude = b.Longitude - a.Longitude;
        ReadOnlySpan<(double Direction, double Distance)> edges =
        [
            (-dLatitude, a.Latitude - box.MinLatitude),
            (dLatitude, box.MaxLatitude - a.Latitude),
            (-dLongitude, a.Longitude - box.MinLongitude),
            (dLongitude, box.MaxLongitude - a.Longitude),
        ];
        foreach (var (direction, distance) in edges)
        {
            if (direction == 0)
            {
                if (distance < 0)
                {
                    return null;
                }

                continue;
            }

            var t = distance / direction;
            if (direction < 0)
            {
                from = Math.Max(from, t);
            }
            else
            {
                to = Math.Min(to, t);
            }
        }

        return from <= to ? (from, to) : null;
    }

    /// <summary>The fraction along a->b where the boundary lies, for a and b on different sides of it.</summary>
    private static double BoundaryBetween(GeofenceShape shape, GeoPoint a, GeoPoint b) =>
        shape.Contains(a) ? Boundary(shape, a, b, 1, 0) : Boundary(shape, a, b, 0, 1);

    /// <summary>Bisects between an outside and an inside fraction to find where the boundary lies.</summary>
    private static double Boundary(GeofenceShape shape, GeoPoint a, GeoPoint b, double outside, double inside)
    {
        for (var i = 0; i < BisectionSteps; i++)
        {
            var middle = (outside + inside) / 2;
            if (shape.Contains(GeoMath.Interpolate(a, b, middle)))
            {
                inside = middle;
            }
            else
            {
                outside = middle;
            }
        }

        return (outside + inside) / 2;
    }

    /// <summary>Crossings of several fences in one gap come out in the order they happened, not the index's order.</summary>
    private static IReadOnlyList<GeofenceEvent> InTimeOrder(List<GeofenceEvent>? events)
    {
        if (events is null)
        {
            return [];
        }

        if (events.Count > 1)
        {
            return [.. events.OrderBy(geofenceEvent => geofenceEvent.Time)];
        }

        return events;
    }

    private static bool Tracks(ImmutableArray<GeofenceMembership> memberships, string fenceId)
    {
        foreach (var membership in memberships)
        {
            if (string.Equals(membership.FenceId, fenceId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
