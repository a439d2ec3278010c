namespace Fleet.Core.State;

/// <summary>
/// The intervals between a vehicle's last live fixes, by fix time, newest first: how often it reports, learned from
/// what it does rather than from what it was configured to do.
/// </summary>
/// <remarks>
/// Whole milliseconds, zero while not yet known: the state is copied for every fix, and three integers keep that copy
/// small where three nullable intervals took four times the space. The longest interval learned is the data-gap
/// setting, at most a week, well within range.
/// </remarks>
public readonly record struct ReportCadence(int NewestMilliseconds, int MiddleMilliseconds = 0, int OldestMilliseconds = 0)
{
    /// <summary>
    /// The median of the last three intervals: one missed report or one burst does not move it, and a device that
    /// changes its rate (many report less often when parked) is followed from its second report at the new rate. Of
    /// two intervals, the longer: a vehicle wrongly said to have gone quiet misleads more than one noticed late.
    /// </summary>
    public TimeSpan Typical => TimeSpan.FromMilliseconds((MiddleMilliseconds, OldestMilliseconds) switch
    {
        ( > 0, > 0) => Math.Max(Math.Min(NewestMilliseconds, MiddleMilliseconds), Math.Min(Math.Max(NewestMilliseconds, MiddleMilliseconds), OldestMilliseconds)),
        ( > 0, _) => Math.Max(NewestMilliseconds, MiddleMilliseconds),
        _ => NewestMilliseconds,
    });

    public static ReportCadence Of(TimeSpan newest, TimeSpan? middle = null, TimeSpan? oldest = null) =>
        new(Milliseconds(newest), middle is { } m ? Milliseconds(m) : 0, oldest is { } o ? Milliseconds(o) : 0);

    /// <summary>
    /// The cadence once a live fix came <paramref name="sincePrevious"/> after the one before it. A gap longer than
    /// <paramref name="maxDataGap"/> is an absence, not a rate, and is not learned; so the cadence never exceeds it.
    /// </summary>
    public static ReportCadence? Learn(ReportCadence? cadence, TimeSpan sincePrevious, TimeSpan maxDataGap)
    {
        if (sincePrevious <= TimeSpan.Zero || sincePrevious > maxDataGap)
        {
            return cadence;
        }

        var newest = Milliseconds(sincePrevious);
        return cadence is { } known ? new ReportCadence(newest, known.NewestMilliseconds, known.MiddleMilliseconds) : new ReportCadence(newest);
    }

    /// <summary>At least one millisecond: zero means "not known".</summary>
    private static int Milliseconds(TimeSpan interval) => (int)Math.Clamp(Math.Round(interval.TotalMilliseconds), 1, int.MaxValue);
}
