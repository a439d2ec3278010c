using Fleet.Core.Pipeline;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Realtime;

/// <summary>
/// The realtime messages of one batch or timer run, in order, before sequence numbers exist. Location updates are
/// coalesced: one <c>vehicle_location_update</c> per group per batch (DESIGN 8). Per-vehicle groups only get messages
/// when someone follows the vehicle: most vehicles have no follower, and every message sent costs a service call.
/// </summary>
public sealed class RealtimePlan
{
    private readonly List<PlannedMessage> _messages;

    private RealtimePlan(List<PlannedMessage> messages)
    {
        _messages = messages;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            counts[message.CompanyId] = counts.GetValueOrDefault(message.CompanyId) + (message.OnCompanyGroup ? 1 : 0);
        }

        SequenceCounts = counts;
    }

    /// <summary>Per company, how many messages go to the company group (each takes the next <c>seq</c>).</summary>
    public IReadOnlyDictionary<string, int> SequenceCounts { get; }

    /// <param name="followedVehicles">Vehicles whose groups have members: only they get per-vehicle messages.</param>
    public static RealtimePlan Compose(IEnumerable<VehicleBatchOutcome> outcomes, IEnumerable<RealtimeNotice> notices, IReadOnlySet<string> followedVehicles)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(followedVehicles);
        var targets = new Targets();
        var companyMessages = new List<PlannedMessage>();
        var latestByCompany = new Dictionary<string, List<LocationPayload>>(StringComparer.Ordinal);
        var vehicleMessages = new List<PlannedMessage>();
        foreach (var outcome in outcomes)
        {
            var state = outcome.State;
            PositionRecord? newest = null;
            for (var i = 0; i < outcome.Positions.Count; i++)
            {
                newest = outcome.Positions[i].IsLate ? newest : outcome.Positions[i];
            }

            if (newest is null)
            {
                continue;
            }

            // A dispatcher's map needs each vehicle's newest position; a follower of one vehicle gets its whole track.
            if (!latestByCompany.TryGetValue(state.CompanyId, out var latest))
            {
                latestByCompany[state.CompanyId] = latest = [];
            }

            latest.Add(LocationPayload.From(newest, state.Status, outcome.NoRecentDataAfter));
            if (followedVehicles.Contains(state.VehicleId))
            {
                vehicleMessages.Add(new PlannedMessage(
                    state.CompanyId,
                    RealtimeTarget.Group(RealtimeGroups.Vehicle(state.CompanyId, state.VehicleId)),
                    RealtimeMessageTypes.VehicleLocationUpdate,
                    Track(outcome.Positions, state.Status, outcome.NoRecentDataAfter),
                    OnCompanyGroup: false));
            }
        }

        foreach (var (companyId, latest) in latestByCompany)
        {
            companyMessages.Add(new PlannedMessage(
                companyId, targets.Company(companyId), RealtimeMessageTypes.VehicleLocationUpdate, latest.ToArray(), OnCompanyGroup: true));
        }

        var messages = companyMessages;
        messages.AddRange(vehicleMessages);
        foreach (var notice in notices)
        {
            AddNotice(messages, notice, followedVehicles, targets);
        }

        return new RealtimePlan(messages);
    }

    private static LocationPayload[] Track(IReadOnlyList<PositionRecord> positions, State.VehicleStatus status, TimeSpan noRecentDataAfter) =>
        [.. positions.Where(position => !position.IsLate).Select(position => LocationPayload.From(position, status, noRecentDataAfter))];

    public static RealtimePlan Compose(IEnumerable<RealtimeNotice> notices, IReadOnlySet<string> followedVehicles) =>
        Compose([], notices, followedVehicles);

    /// <summary>
    /// Assigns sequence numbers. <paramref name="lastSequences"/> holds each company's newest <c>seq</c> after
    /// allocating <see cref="SequenceCounts"/>; company-group messages take the allocated range in order, the others
    /// carry none.
    /// </summary>
    public IReadOnlyList<RealtimeMessage> Stamp(IReadOnlyDictionary<string, long> lastSequences, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(lastSequences);
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        var stamped = new List<RealtimeMessage>(_messages.Count);
        foreach (var message in _messages)
        {
            if (!lastSequences.TryGetValue(message.CompanyId, out var last))
            {
                throw new InvalidOperationException($"No sequence numbers were allocated for company {message.CompanyId}.");
            }

            long? seq = null;
            if (message.OnCompanyGroup)
            {
                seq = next.TryGetValue(message.CompanyId, out var previous) ? previous + 1 : last - SequenceCounts[message.CompanyId] + 1;
                next[message.CompanyId] = seq.Value;
            }

            stamped.Add(new RealtimeMessage(message.Target, new RealtimeEnvelope(message.Type, message.CompanyId, seq, timestamp, message.Data)));
        }

        return stamped;
    }

    private static void AddNotice(List<PlannedMessage> messages, RealtimeNotice notice, IReadOnlySet<string> followedVehicles, Targets targets)
    {
        switch (notice.Audience)
        {
            case NoticeAudience.User when notice.UserId is not null:
                messages.Add(new PlannedMessage(notice.CompanyId, RealtimeTarget.User(notice.CompanyId, notice.UserId), notice.Type, notice.Data, OnCompanyGroup: false));
                break;
            case NoticeAudience.CompanyAndVehicle when notice.VehicleId is not null:
                messages.Add(new PlannedMessage(notice.CompanyId, targets.Company(notice.CompanyId), notice.Type, notice.Data, OnCompanyGroup: true));
                if (followedVehicles.Contains(notice.VehicleId))
                {
                    messages.Add(new PlannedMessage(
                        notice.CompanyId, RealtimeTarget.Group(RealtimeGroups.Vehicle(notice.CompanyId, notice.VehicleId)), notice.Type, notice.Data, OnCompanyGroup: false));
                }

                break;
            case NoticeAudience.Company:
                messages.Add(new PlannedMessage(notice.CompanyId, targets.Company(notice.CompanyId), notice.Type, notice.Data, OnCompanyGroup: true));
                break;
            default:
                throw new ArgumentException($"Notice '{notice.Type}' for audience {notice.Audience} lacks its target id.", nameof(notice));
        }
    }

    /// <param name="OnCompanyGroup">Whether it goes to the company group, and so takes the next <c>seq</c>.</param>
    private sealed record PlannedMessage(string CompanyId, RealtimeTarget Target, string Type, object Data, bool OnCompanyGroup);

    /// <summary>Group targets of one plan, each name built once rather than once per message.</summary>
    private sealed class Targets
    {
        private readonly Dictionary<string, RealtimeTarget> _companies = new(StringComparer.Ordinal);

        public RealtimeTarget Company(string companyId)
        {
            if (!_companies.TryGetValue(companyId, out var target))
            {
                _companies[companyId] = target = RealtimeTarget.Group(RealtimeGroups.Company(companyId));
            }

            return target;
        }
    }
}
