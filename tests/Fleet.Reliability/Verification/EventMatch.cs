using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Verification;

/// <summary>
/// Every fix sent against what PostgreSQL holds, by (device, fix time).
/// </summary>
/// <param name="Lost">Accepted (201) but not stored after the drain.</param>
/// <param name="StoredRefused">Stored although the harness saw no 201 for it (a timeout or a dropped connection after the host took it).</param>
/// <param name="StoredUnknown">Stored rows of the harness's devices that match no fix it sent (should be none).</param>
/// <param name="FirstLost">The fix time of the earliest lost fix, to place the loss against the fault.</param>
internal sealed record EventMatch(
    long Sent,
    long Accepted,
    long Refused,
    long Stored,
    long Lost,
    long StoredRefused,
    long StoredUnknown,
    long Duplicated,
    DateTimeOffset? FirstLost,
    DateTimeOffset? LastLost)
{
    public static EventMatch Compare(IReadOnlyList<DeviceTrack> tracks, StoredPositions stored)
    {
        long sent = 0, accepted = 0, storedSent = 0, lost = 0, storedRefused = 0, storedRows = 0;
        long? firstLost = null, lastLost = null;
        foreach (var track in tracks)
        {
            stored.Positions.TryGetValue(track.Device.DeviceId, out var times);
            times ??= [];
            storedRows += times.Count;
            foreach (var fix in track.Fixes)
            {
                sent++;
                var isStored = times.Contains(fix.UnixMs);
                storedSent += isStored ? 1 : 0;
                if (fix.Accepted)
                {
                    accepted++;
                    if (!isStored)
                    {
                        lost++;
                        firstLost = Math.Min(firstLost ?? long.MaxValue, fix.UnixMs);
                        lastLost = Math.Max(lastLost ?? long.MinValue, fix.UnixMs);
                    }
                }
                else if (isStored)
                {
                    storedRefused++;
                }
            }
        }

        return new EventMatch(
            sent,
            accepted,
            sent - accepted,
            storedSent,
            lost,
            storedRefused,
            storedRows - storedSent,
            stored.DuplicateRows,
            firstLost is { } first ? DateTimeOffset.FromUnixTimeMilliseconds(first) : null,
            lastLost is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null);
    }
}
