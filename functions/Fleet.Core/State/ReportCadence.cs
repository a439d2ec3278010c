namespace Fleet.Core.State;

/// <summary>
/// The intervals between a vehicle's last live fixes, by fix time, newest first: how often it reports, learned from
/// what it does rather than from what it was configured to do.
/// </summary>
public readonly record struct ReportCadence(TimeSpan Newest, TimeSpan? Middle = null, TimeSpan? Oldest = null)
{
    /// <summary>
    /// The median of the last three intervals: one missed report or one burst does not move it, and a device that
    /// changes its rate (many report less often when parked) is followed from its second report at the new rate. Of
    /// two intervals, the longer: a vehicle wrongly said to have gone quiet misleads more than one noticed late.
    /// </summary>
    public TimeSpan Typical => (Middle, Oldest) switch
    {
        ({ } middle, { } oldest) => Max(Min(Newest, middle), Min(Max(Newest, middle), oldest)),
        ({ } middle, null) => Max(Newest, middle),
        _ => Newest,
    };

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

        return cadence is { } known ? new ReportCadence(sincePrevious, known.Newest, known.Middle) : new ReportCadence(sincePrevious);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
