using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Fleet.Core.Registry;
using Fleet.Core.Kpis;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Ports;

/// <summary>Device -> vehicle -> company. Unknown devices are simply absent from the result.</summary>
public interface IDeviceRegistry
{
    Task<IReadOnlyDictionary<string, DeviceRegistration>> ResolveAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken);
}

/// <summary>Company rules, time zone and fences; a profile for every company a registration names.</summary>
public interface ICompanyDirectory
{
    Task<IReadOnlyDictionary<string, CompanyProfile>> GetAsync(IReadOnlyCollection<string> companyIds, CancellationToken cancellationToken);
}

/// <summary>
/// What operators and company administrators change: companies, vehicles with their devices, fences. Ingestion sees a
/// change from its next batch. A vehicle or device stays with the company that owns it: saving one that another company
/// owns is refused with <see cref="OwnershipConflictException"/>, because it would route that company's telemetry here.
/// </summary>
public interface IFleetConfiguration
{
    /// <summary>Creates the company or replaces its settings (a disabled one stays disabled unless the settings say otherwise).</summary>
    Task SaveCompanyAsync(CompanySettings company, CancellationToken cancellationToken);

    Task<CompanySettings?> CompanyAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>A page of every company, disabled ones included, by id: what operators list.</summary>
    Task<ListPage<CompanySettings>> CompaniesAsync(IdPage page, CancellationToken cancellationToken);

    /// <summary>Creates or updates the vehicle and attaches the devices to it (moving them from the company's other vehicles).</summary>
    Task SaveVehicleAsync(VehicleProfile vehicle, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<VehicleProfile>> VehiclesOfAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>A page of the company's vehicles by id; of those among <paramref name="only"/> alone when it is given.</summary>
    Task<ListPage<VehicleProfile>> VehiclesOfAsync(string companyId, IdPage page, IReadOnlyCollection<string>? only, CancellationToken cancellationToken);

    /// <summary>
    /// The devices each of the named vehicles of the company reports through, by vehicle id, each list by device id; a
    /// vehicle without devices, or not the company's, is absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> DevicesOfAsync(string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken);

    /// <summary>Removes the vehicle and detaches its devices (their telemetry becomes unknown); its history stays.</summary>
    /// <returns>False when the company has no such vehicle.</returns>
    Task<bool> DeleteVehicleAsync(string companyId, string vehicleId, CancellationToken cancellationToken);

    /// <summary>Every company that is not disabled, by id: the timers visit each.</summary>
    Task<IReadOnlyList<string>> CompanyIdsAsync(CancellationToken cancellationToken);

    /// <summary>Creates or updates the driver; a driver id another company uses is refused with <see cref="OwnershipConflictException"/>.</summary>
    Task SaveDriverAsync(DriverProfile driver, CancellationToken cancellationToken);

    /// <summary>The company's drivers, by id.</summary>
    Task<IReadOnlyList<DriverProfile>> DriversOfAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>A page of the company's drivers, by id.</summary>
    Task<ListPage<DriverProfile>> DriversOfAsync(string companyId, IdPage page, CancellationToken cancellationToken);

    /// <returns>False when the company has no such driver.</returns>
    Task<bool> DeleteDriverAsync(string companyId, string driverId, CancellationToken cancellationToken);

    /// <summary>The company's fences, by id.</summary>
    Task<IReadOnlyList<Geofence>> GeofencesOfAsync(string companyId, CancellationToken cancellationToken);

    Task<Geofence?> GeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the fence; its id is unique within its company.</summary>
    Task SaveGeofenceAsync(Geofence fence, CancellationToken cancellationToken);

    /// <returns>False when the company has no such fence.</returns>
    Task<bool> DeleteGeofenceAsync(string companyId, string geofenceId, CancellationToken cancellationToken);
}

/// <summary>
/// One page of a list in a stable order, and whether more items follow it. A store reads one item past the page to
/// know, so a list that ends with a full page is not followed by an empty one.
/// </summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, bool More);

public static class ListPage
{
    /// <summary>The page of <paramref name="limit"/> items out of what a store read asking for one more.</summary>
    public static ListPage<T> Of<T>(IReadOnlyList<T> read, int limit)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read.Count > limit ? new ListPage<T>([.. read.Take(limit)], More: true) : new ListPage<T>(read, More: false);
    }
}

/// <summary>
/// A page of a list ordered by id in code-point order: at most <paramref name="Limit"/> items whose ids sort after
/// <paramref name="After"/> (from the first when null). Ids never change, so walking the pages lists every item that
/// stays throughout exactly once, whatever is added or removed meanwhile.
/// </summary>
public sealed record IdPage(string? After, int Limit);

/// <summary>
/// Where a newest-first list resumes: after the item at <paramref name="At"/> with id <paramref name="Id"/>. Items of
/// one time are in code-point order of their ids, so the position is exact even among equal times.
/// </summary>
public sealed record NewestFirstCursor(DateTimeOffset At, string Id);

/// <summary>
/// Where an oldest-first list resumes: after the item at <paramref name="At"/> with id <paramref name="Id"/>. Items of
/// one time are in code-point order of their ids, so the position is exact even among equal times.
/// </summary>
public sealed record OldestFirstCursor(DateTimeOffset At, string Id);

/// <summary>Saving a vehicle or device that belongs to another company, or into a company that does not exist.</summary>
public sealed class OwnershipConflictException(string message) : Exception(message);

public interface IVehicleStateStore
{
    /// <summary>The states of those vehicles that have one; a vehicle never seen has none.</summary>
    Task<IReadOnlyDictionary<string, VehicleState>> LoadAsync(IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken);
}

/// <summary>
/// Everything a batch makes durable, applied atomically, its alerts included (into the <see cref="IAlertOutbox"/>, for
/// delivery to the <see cref="IAlertSink"/> after the commit). States are guarded by their version: if another writer
/// moved one on, nothing is written, not even the alerts, and the conflicting vehicles are reported.
/// </summary>
public interface ITelemetryStore
{
    Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken);
}

/// <param name="Alerts">
/// The alerts raised, one version per id, recorded in the alert outbox by the sink's rule: a version that is not
/// <see cref="Alert.Final"/> never replaces a final one.
/// </param>
/// <param name="SequenceCounts">How many company-group messages each company will publish: their <c>seq</c> values.</param>
/// <param name="RecordedAt">When the writer commits: the alerts' time in the outbox, which its grace period counts from.</param>
public sealed record TelemetryCommit(
    IReadOnlyList<VehicleState> States,
    IReadOnlyList<PositionRecord> Positions,
    IReadOnlyList<TripRecord> Trips,
    IReadOnlyList<DailyStats> Stats,
    IReadOnlyList<DeadLetter> DeadLetters,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyDictionary<string, int> SequenceCounts,
    DateTimeOffset RecordedAt);

/// <summary>Committed (with each company's newest <c>seq</c> after allocation) or refused for version conflicts.</summary>
public sealed record CommitResult(IReadOnlyDictionary<string, long> LastSequences, IReadOnlyCollection<string> ConflictingVehicles)
{
    public bool Committed => ConflictingVehicles.Count == 0;

    public static CommitResult Success(IReadOnlyDictionary<string, long> lastSequences) => new(lastSequences, []);

    public static CommitResult Conflict(IReadOnlyCollection<string> vehicleIds) => new(new Dictionary<string, long>(), vehicleIds);
}

/// <summary>
/// Where the batch handler writes alerts, by deterministic id. An upsert never resets whether a user has read the
/// alert, so a replay cannot resurrect it as unread, and a version that is not <see cref="Alert.Final"/> is only
/// written where no final one is. Every version of an alert has its first one's <see cref="Alert.CreatedAt"/>.
/// </summary>
public interface IAlertSink
{
    Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}

/// <summary>
/// Alerts committed with the batch (or sweep) that raised them and not yet known to be in the <see cref="IAlertSink"/>:
/// one row per alert id, holding its newest version by the sink's rule. Whoever writes them to the sink clears them.
/// </summary>
public interface IAlertOutbox
{
    /// <summary>
    /// At most <paramref name="limit"/> pending alerts recorded before <paramref name="recordedBefore"/>, oldest record
    /// first (ties in code-point order of their ids).
    /// </summary>
    Task<IReadOnlyList<Alert>> PendingAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Marks delivered each of these alerts whose recorded version is still exactly the one given. A version committed
    /// since (by another batch, after this one was read) stays pending, to be delivered in its turn. A delivered alert is
    /// kept until confirmed (<see cref="DeliveredAsync"/>), since a store may lose a write it acknowledged.
    /// </summary>
    /// <returns>How many were marked.</returns>
    Task<int> MarkDeliveredAsync(IReadOnlyList<Alert> delivered, DateTimeOffset deliveredAt, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> alerts delivered before <paramref name="deliveredBefore"/>, oldest delivery first.</summary>
    Task<IReadOnlyList<Alert>> DeliveredAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Removes each of these alerts whose recorded version is still exactly the one given, pending or delivered.</summary>
    /// <returns>How many were removed.</returns>
    Task<int> ForgetAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);

    /// <summary>Removes the company's alert whatever its version: a user deleted it, and nothing may write it again.</summary>
    Task ForgetAsync(string companyId, string alertId, CancellationToken cancellationToken);
}

/// <summary>Alerts per company: what the batch handler writes, and what users read, mark read and delete.</summary>
public interface IAlertStore : IAlertSink
{
    /// <summary>A page of the company's unexpired alerts, newest raised (<see cref="Alert.CreatedAt"/>) first.</summary>
    Task<ListPage<StoredAlert>> ListAsync(string companyId, AlertQuery query, CancellationToken cancellationToken);

    Task<StoredAlert?> GetAsync(string companyId, string alertId, CancellationToken cancellationToken);

    /// <returns>False when the company has no such alert.</returns>
    Task<bool> MarkReadAsync(string companyId, string alertId, CancellationToken cancellationToken);

    /// <returns>False when the company has no such alert.</returns>
    Task<bool> DeleteAsync(string companyId, string alertId, CancellationToken cancellationToken);

    /// <returns>How many alerts had expired by <paramref name="now"/> and were deleted.</returns>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <param name="Limit">At most this many, newest first.</param>
/// <param name="Now">Alerts that expired by then are left out.</param>
/// <param name="After">Only alerts after this one (by raised time, then id): the next page.</param>
public sealed record AlertQuery(int Limit, bool UnreadOnly, DateTimeOffset Now, NewestFirstCursor? After = null)
{
    public const int MaxLimit = 500;
}

/// <summary>Best effort by nature (SignalR guarantees nothing); failures surface as exceptions for the caller to report.</summary>
public interface IRealtimePublisher
{
    Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken);
}

/// <summary>
/// How far ingestion has got: every event the broker received before the returned time has been handled. Silence is
/// judged up to there and no further, or a backlog still queued would pass for vehicles gone quiet.
/// </summary>
public interface IProcessingProgress
{
    DateTimeOffset ProcessedThrough(DateTimeOffset now);
}

/// <summary>
/// For a host that cannot see its consumers' position: the clock. A backlog longer than a vehicle's offline threshold
/// then reads as silence, and the vehicle's queued events bring it back online when they are processed.
/// </summary>
public sealed class UnknownProcessingProgress : IProcessingProgress
{
    public DateTimeOffset ProcessedThrough(DateTimeOffset now) => now;
}

/// <param name="Status">Only jobs in this status.</param>
/// <param name="From">Only jobs created (or scheduled) at or after this time; <paramref name="To"/> before that one.</param>
/// <param name="DriverIds">Only jobs assigned to one of these drivers (a driver's own jobs); null for all.</param>
/// <param name="After">Only jobs after this one (by creation time, then id): the next page.</param>
public sealed record JobQuery(
    Jobs.JobStatus? Status, string? VehicleId, IReadOnlyCollection<string>? DriverIds, DateTimeOffset? From, DateTimeOffset? To, int Limit,
    NewestFirstCursor? After = null)
{
    public const int MaxLimit = 500;
}

/// <summary>Jobs and their status history (DESIGN 5a), every query scoped to one company.</summary>
public interface IJobStore
{
    Task CreateAsync(Jobs.Job job, CancellationToken cancellationToken);

    Task<Jobs.Job?> GetAsync(string companyId, string jobId, CancellationToken cancellationToken);

    /// <summary>A page of the company's jobs, newest first (by creation time, then id).</summary>
    Task<ListPage<Jobs.Job>> ListAsync(string companyId, JobQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="job"/> (vehicle, driver, status and the history entries it gained) if the stored one is
    /// still at <paramref name="expectedVersion"/>; false when someone changed it meanwhile.
    /// </summary>
    Task<bool> UpdateAsync(Jobs.Job job, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// The jobs these vehicles are driving right now (<c>en_route</c>, <c>arrived</c>, <c>in_progress</c>), each vehicle
    /// named with its company; what telemetry moves forward.
    /// </summary>
    Task<IReadOnlyList<Jobs.Job>> ActiveForVehiclesAsync(IReadOnlyCollection<(string CompanyId, string VehicleId)> vehicles, CancellationToken cancellationToken);
}

/// <summary>A job's tracking link as stored: only a hash of its secret, so a leaked table opens nothing.</summary>
public sealed record JobGrant(string TokenHash, string CompanyId, string JobId, string CreatedByUserId, DateTimeOffset CreatedAt);

public interface IJobGrantStore
{
    Task CreateAsync(JobGrant grant, CancellationToken cancellationToken);

    Task<JobGrant?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>How many links the job has been shared with.</summary>
    Task<int> CountOfJobAsync(string companyId, string jobId, CancellationToken cancellationToken);
}

/// <summary>
/// Batches the ingest function gave up on after its retries (DESIGN 2: never lose a batch silently). A parked batch
/// stays, whole, until a replay of it succeeds.
/// </summary>
public interface IParkedTelemetry
{
    /// <summary>Parking the same batch again (same id) replaces it: a park retried after a lost answer is harmless.</summary>
    Task ParkAsync(ParkedBatch batch, CancellationToken cancellationToken);

    /// <summary>Ids of parked batches in id order, i.e. by partition and then stream order.</summary>
    Task<IReadOnlyList<string>> ListAsync(int limit, CancellationToken cancellationToken);

    Task<ParkedBatch?> GetAsync(string batchId, CancellationToken cancellationToken);

    Task DeleteAsync(string batchId, CancellationToken cancellationToken);
}

/// <summary>
/// Group membership of users, as Azure SignalR Service keeps it: a message to a group reaches every connection of its
/// users, including connections opened after the user joined, so a join made at negotiate cannot race the first messages.
/// </summary>
public interface IRealtimeGroups
{
    Task AddUserAsync(string group, string userId, CancellationToken cancellationToken);

    Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken);

    Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>
/// The open realtime connections of users. Closing them makes the clients negotiate again, and negotiation applies
/// what the user may do now: emptied groups alone would leave a revoked user's connection open until its token expires.
/// </summary>
public interface IRealtimeConnections
{
    Task CloseUserConnectionsAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>
/// Vehicles someone follows right now (their vehicle groups have members). The server decides group membership, so
/// it knows; vehicles nobody follows get no per-vehicle messages.
/// </summary>
public interface IVehicleFollowers
{
    /// <summary>Those of the given vehicle groups (<see cref="RealtimeGroups.Vehicle"/>) that have members.</summary>
    Task<IReadOnlySet<string>> FollowedAsync(IReadOnlyCollection<string> vehicleGroups, CancellationToken cancellationToken);
}

public static class VehicleFollowersExtensions
{
    /// <summary>The ids of the vehicles, among those given, that someone follows.</summary>
    public static async Task<IReadOnlySet<string>> FollowedVehiclesAsync(
        this IVehicleFollowers followers, IEnumerable<VehicleProfile> vehicles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(followers);
        var vehicleByGroup = vehicles.ToDictionary(vehicle => RealtimeGroups.Vehicle(vehicle.CompanyId, vehicle.VehicleId), vehicle => vehicle.VehicleId, StringComparer.Ordinal);
        if (vehicleByGroup.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var followedGroups = await followers.FollowedAsync(vehicleByGroup.Keys, cancellationToken);
        return followedGroups.Select(group => vehicleByGroup[group]).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>What the HTTP API and the timers read of a company's fleet. Every query is scoped to one company.</summary>
public interface IFleetHistory
{
    Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>The states of those of the named vehicles that are the company's and have one, by vehicle id.</summary>
    Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken);

    /// <summary>A vehicle's positions in [from, to), oldest first, after <paramref name="after"/> when paging on.</summary>
    Task<IReadOnlyList<PositionRecord>> PositionsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of a vehicle's trips that started in [from, to), oldest first (by start time, then id): at most
    /// <paramref name="limit"/> of those after <paramref name="after"/>, from the first when it is null.
    /// </summary>
    Task<ListPage<TripRecord>> TripsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, OldestFirstCursor? after, int limit, CancellationToken cancellationToken);

    Task<TripRecord?> TripAsync(string companyId, string tripId, CancellationToken cancellationToken);

    /// <summary>The company's statistics rows of the days from <paramref name="firstDay"/> to <paramref name="lastDay"/>, inclusive.</summary>
    Task<IReadOnlyList<DailyStats>> DailyStatsAsync(string companyId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);

    /// <summary>The newest dead letters, of one company or, for operators, of all (including those of unknown devices).</summary>
    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? companyId, int limit, CancellationToken cancellationToken);
}
