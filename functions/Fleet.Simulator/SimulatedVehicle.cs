using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Core.Settings;

namespace Fleet.Simulator;

/// <summary>What one simulated vehicle is, where it starts and what it is asked to act out.</summary>
/// <param name="Seed">Everything the vehicle does follows from this: the same setup drives the same route.</param>
internal sealed record VehicleSetup(
    string DeviceId,
    string DriverId,
    IReadOnlySet<ScenarioKind> Scenarios,
    StreetGrid Grid,
    GridNode StartNode,
    DateTimeOffset Start,
    TimeSpan ReportInterval,
    int Seed);

/// <summary>
/// One vehicle driving the street grid: it accelerates and brakes smoothly, slows for turns, stops at some
/// intersections, keeps to the city, and reports a fix every report interval (jittered) plus, for a harsh manoeuvre,
/// the fixes around it. Its scenarios run as errands, one at a time, repeating after a pause. Pure and seeded: stepping
/// it by simulated time is all it does.
/// </summary>
internal sealed class SimulatedVehicle
{
    // Reports come every interval, give or take a fifth.
    private const double MinIntervalRatio = 0.8;
    private const double MaxIntervalRatio = 1.2;

    // Physics steps: short enough that braking curves and harsh manoeuvres land within a few hundred milliseconds.
    private static readonly TimeSpan MaxStep = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MinFirstReport = TimeSpan.FromMilliseconds(1);

    // Ordinary driving stays below every vehicle class's harsh thresholds (heavy trucks: -2.9 and +2.2 m/s^2).
    private const double MaxAccelerationMetersPerSecondSquared = 2.0;
    private const double MinAccelerationMetersPerSecondSquared = 0.5;
    private const double MaxServiceDecelerationMetersPerSecondSquared = 2.5;

    // Braking for a stop or a turn is planned gentler than the vehicle can brake, so it always makes it.
    private const double PlannedDecelerationMetersPerSecondSquared = 1.5;

    // Lets a vehicle braking for a stop roll the last metres instead of approaching the line forever.
    private const double CreepSpeedMetersPerSecond = 0.3;
    private const double TurnSpeedKmh = 18;

    private const double MinorStreetMinKmh = 28;
    private const double MinorStreetMaxKmh = 48;
    private const double MinorStreetLimitKmh = 50;
    private const double ArterialMinKmh = 52;
    private const double ArterialMaxKmh = 82;

    // Below the default 90 km/h vehicle limit: only the speeding scenario raises speeding alerts.
    private const double ArterialLimitKmh = 88;

    // The local host's 50 km/h zone around the depot; ordinary traffic keeps to it.
    private const double CalmZoneRadiusMeters = 2_000;
    private const double CalmZoneLimitKmh = 48;

    // How far cruising wanders around the street's chosen speed; cruise speeds leave room for it under each limit.
    private const double CruiseWanderRatio = 0.05;

    private const double StopProbability = 0.3;
    private static readonly TimeSpan MinIntersectionStop = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxIntersectionStop = TimeSpan.FromSeconds(40);

    // 8 L/100 km and 0.8 L/h idling, as percent of the default tank.
    private static readonly double FuelCapacityLiters = RuleSettings.Default.Fuel.DefaultFuelCapacityLiters;
    private static readonly double FuelPercentPerMeter = 0.08 / 1_000 / FuelCapacityLiters * 100;
    private static readonly double IdleFuelPercentPerSecond = 0.8 / 3_600 / FuelCapacityLiters * 100;
    private const double RefuelBelowPercent = 12;
    private const double RefuelToPercent = 95;

    private static readonly TimeSpan MinErrandPause = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan MaxErrandPause = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(90);

    // Speeding: well above 120 km/h, half as fast again as the default 90 km/h limit, held for many times the 10 s an
    // episode needs, longer than the 60 s gap rule, and over at least four fixes.
    private const double SpeedingCruiseKmh = 140;
    private const double SpeedingHoldAboveKmh = 125;
    private static readonly TimeSpan MinSpeedingHold = TimeSpan.FromSeconds(90);
    private const int MinFixesWhileSpeeding = 4;

    // Depot visit: drive into the centre slowly (under the 50 km/h zone), stop there for several times the fence dwell,
    // and leave in a straight line well past the fence, so both crossings outlast the dwell hysteresis.
    private const double DepotApproachRadiusMeters = 500;
    private const double DepotApproachLimitKmh = 30;
    private static readonly TimeSpan DepotStop = 3 * RuleSettings.Default.Geofences.DefaultDwell;
    private const int DepotLeavingBlocks = 4;

    // Harsh braking: a sudden stop from speed at 6.5 m/s^2 (beyond every class's threshold), reported by the device and
    // bracketed by fixes less than the 3 s derivation interval apart.
    private const double HarshBrakingMinSpeedKmh = 35;
    private const double HarshBrakingEndSpeedKmh = 8;
    private const double HarshDecelerationMetersPerSecondSquared = 6.5;
    private static readonly TimeSpan MaxHarshBraking = RuleSettings.Default.HarshDriving.MaxDerivationInterval * 0.8;
    private const double HarshBrakingMinRoomMeters = 30;

    // Fuel theft: parked with the ignition off, the level falls by three times the theft threshold well within the
    // theft window, after and before readings that stay flat.
    private static readonly double TheftDropPercent = 3 * RuleSettings.Default.Fuel.TheftDropPercentOfCapacity;
    private static readonly TimeSpan TheftDrain = RuleSettings.Default.Fuel.TheftWindow / 4;

    // Deliveries: the driver loads at the pickup, then at the drop-off parks, walks to the door (longer than the
    // backend's arrival dwell, so the arrival comes from telemetry first) and hands over. New ones are nearby.
    private static readonly TimeSpan Loading = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HandoverStartsAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Handover = TimeSpan.FromSeconds(60);
    private const double MaxPickupMeters = 1_000;
    private const double MinDeliveryMeters = 1_500;
    private const double MaxDeliveryMeters = 3_500;

    // Silent: the device stops reporting a few minutes in and never comes back.
    private static readonly TimeSpan MinSilentAfter = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan MaxSilentAfter = TimeSpan.FromMinutes(4);

    private readonly Random _random;
    private readonly StreetGrid _grid;
    private readonly TimeSpan _reportInterval;
    private readonly ScenarioKind[] _errands;
    private readonly DateTimeOffset? _silentFrom;

    // Some drivers are brisker than others.
    private readonly double _temperament;

    private DateTimeOffset _now;
    private DateTimeOffset _lastFixAt = DateTimeOffset.MinValue;
    private long _seq;

    private GridNode _from;
    private Direction _direction;
    private double _alongMeters;
    private double _speedMetersPerSecond;
    private double _cruiseKmh;
    private double _wander;
    private NodePlan _plan;
    private DateTimeOffset? _stoppedUntil;
    private Park? _park;
    private bool _ignition = true;
    private double _odometerKm;
    private double _fuelPercent;

    private Errand _errand;
    private int _nextErrand;
    private DateTimeOffset _nextErrandAt;
    private DateTimeOffset? _speedingUntil;
    private int _depotBlocksToLeave;
    private double? _brakeToMetersPerSecond;

    private DeliveryLeg _leg;
    private GridNode _legStart;
    private GridNode _legEnd;
    private bool _atLegEnd;
    private DateTimeOffset? _handoverAt;

    public SimulatedVehicle(VehicleSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        DeviceId = setup.DeviceId;
        DriverId = setup.DriverId;
        TakesDeliveries = setup.Scenarios.Contains(ScenarioKind.Delivery);
        _random = new Random(setup.Seed);
        _grid = setup.Grid;
        _reportInterval = setup.ReportInterval;
        _errands = [.. setup.Scenarios.Where(scenario => scenario is not (ScenarioKind.Silent or ScenarioKind.Delivery)).Order()];
        _now = TruncateToMilliseconds(setup.Start);
        _silentFrom = setup.Scenarios.Contains(ScenarioKind.Silent) ? _now + Between(MinSilentAfter, MaxSilentAfter) : null;
        _temperament = Between(0.92, 1.05);
        _odometerKm = Math.Round(Between(5_000, 120_000), 1);
        _fuelPercent = Between(35, 95);
        _nextErrandAt = _now + Between(MinWarmUp, MaxWarmUp);

        _from = setup.StartNode;
        _direction = (Direction)_random.Next(4);
        var first = RandomDirection(_from, _direction, canTurn: true);
        _plan = new NodePlan(NodeAction.Stop, first, TimeSpan.Zero, ChooseCruiseKmh(_from, first), Park: false);
        _stoppedUntil = _now + Between(TimeSpan.Zero, TimeSpan.FromSeconds(8));

        // Spread the first reports over one interval, as devices switched on at different moments would. Never at the
        // start itself: AdvanceTo reports only after driving towards a time, so a report due at the start would never
        // be made and the vehicle would stay due forever.
        NextReportAt = _now + Max(MinFirstReport, TruncateToMilliseconds(_reportInterval * _random.NextDouble()));
    }

    private enum NodeAction
    {
        Straight,
        Turn,
        Stop,
    }

    private enum Errand
    {
        None,
        Speeding,
        DepotVisit,
        HarshBraking,
        FuelTheft,
        Refuel,
        Delivery,
    }

    private enum DeliveryLeg
    {
        ToPickup,
        ToDropoff,
    }

    public string DeviceId { get; }

    public string DriverId { get; }

    /// <summary>The vehicle acts out the delivery scenario: its driver takes the deliveries assigned to it.</summary>
    public bool TakesDeliveries { get; }

    /// <summary>The delivery the driver has taken and not finished, or null.</summary>
    public DeliveryOrder? Delivery { get; private set; }

    /// <summary>When the next fix is due; <see cref="DateTimeOffset.MaxValue"/> once the vehicle has gone silent.</summary>
    public DateTimeOffset NextReportAt { get; private set; }

    /// <summary>
    /// Drives until <paramref name="until"/>, adding every fix reported on the way, in time order, and every job status
    /// the driver sets to <paramref name="statusChanges"/>.
    /// </summary>
    public void AdvanceTo(DateTimeOffset until, ICollection<TelemetryFix> reported, ICollection<DriverStatusChange>? statusChanges = null)
    {
        ArgumentNullException.ThrowIfNull(reported);
        statusChanges ??= [];
        while (_now < until)
        {
            if (_now >= _silentFrom)
            {
                NextReportAt = DateTimeOffset.MaxValue;
                return;
            }

            var step = Min(MaxStep, Min(until - _now, NextReportAt - _now));
            Step(step, reported, statusChanges);
            if (_now >= NextReportAt)
            {
                Report(reported, []);
                NextReportAt = _now + TruncateToMilliseconds(_reportInterval * Between(MinIntervalRatio, MaxIntervalRatio));
            }
        }
    }

    /// <summary>The driver takes <paramref name="order"/>: off to the pickup once any errand under way is done.</summary>
    public void Take(DeliveryOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (Delivery is not null)
        {
            throw new InvalidOperationException($"{DeviceId} is on delivery {Delivery.JobId} already.");
        }

        Delivery = order;
    }

    /// <summary>The delivery was cancelled or given to someone else: the driver forgets it and drives on.</summary>
    public void Drop()
    {
        if (_errand == Errand.Delivery)
        {
            FinishErrand();
        }

        Delivery = null;
    }

    /// <summary>Where a dispatcher might send this vehicle next: a pickup nearby and a drop-off a few kilometres on.</summary>
    public (GeoPoint Pickup, GeoPoint Dropoff) PlanDelivery()
    {
        var pickup = NodeNear(_from, StreetGrid.BlockMeters, MaxPickupMeters);
        var dropoff = NodeNear(pickup, MinDeliveryMeters, MaxDeliveryMeters);
        return (_grid.ToGeoPoint(pickup), _grid.ToGeoPoint(dropoff));
    }

    private void Step(TimeSpan step, ICollection<TelemetryFix> reported, ICollection<DriverStatusChange> statusChanges)
    {
        StartErrandIfDue();
        var seconds = step.TotalSeconds;
        var braked = false;
        if (_park is { } park)
        {
            _fuelPercent = Math.Clamp(_fuelPercent + park.FuelChangePercent(_now - park.Since, seconds), 0, 100);
            _ignition = _now + step >= park.IgnitionOnAt;
            if (_now + step >= park.Until)
            {
                Depart(statusChanges);
            }
        }
        else if (_stoppedUntil is { } stoppedUntil)
        {
            _fuelPercent -= IdleFuelPercentPerSecond * seconds;
            if (_handoverAt is { } handoverAt && _now + step >= handoverAt)
            {
                _handoverAt = null;
                statusChanges.Add(StatusChange(JobStatus.InProgress, _now + step));
            }

            if (_now + step >= stoppedUntil)
            {
                Depart(statusChanges);
            }
        }
        else
        {
            braked = Drive(seconds, reported);
        }

        _now += step;
        if (braked)
        {
            Report(reported, [DriverEventCodes.HarshBraking]);
        }
    }

    /// <summary>Moves along the street for one step; true when a harsh braking ended in it.</summary>
    private bool Drive(double seconds, ICollection<TelemetryFix> reported)
    {
        var before = _speedMetersPerSecond;
        if (_errand == Errand.HarshBraking && _brakeToMetersPerSecond is null && CanBrakeHard())
        {
            // The device reports the moment the manoeuvre starts, as trackers do on an event.
            Report(reported, []);
            var lowest = before - HarshDecelerationMetersPerSecondSquared * MaxHarshBraking.TotalSeconds;
            _brakeToMetersPerSecond = Math.Max(Kmh(HarshBrakingEndSpeedKmh), lowest);
        }

        double after;
        var braked = false;
        if (_brakeToMetersPerSecond is { } brakeTo)
        {
            after = Math.Max(brakeTo, before - HarshDecelerationMetersPerSecondSquared * seconds);
            if (after <= brakeTo)
            {
                braked = true;
                _brakeToMetersPerSecond = null;
                FinishErrand();
            }
        }
        else
        {
            _wander = Math.Clamp(_wander * (1 - 0.1 * seconds) + Gaussian() * 0.15 * Math.Sqrt(seconds), -1, 1);
            var target = TargetSpeedMetersPerSecond();
            after = before < target
                ? Math.Min(target, before + Acceleration(before) * seconds)
                : Math.Max(target, before - MaxServiceDecelerationMetersPerSecondSquared * seconds);
        }

        _speedMetersPerSecond = after;
        var meters = (before + after) / 2 * seconds;
        _odometerKm += meters / 1_000;
        _fuelPercent = Math.Max(0, _fuelPercent - meters * FuelPercentPerMeter);
        _alongMeters += meters;

        if (_errand == Errand.Speeding)
        {
            if (_speedingUntil is null && after >= Kmh(SpeedingHoldAboveKmh))
            {
                _speedingUntil = _now + Max(MinSpeedingHold, _reportInterval * MinFixesWhileSpeeding);
            }
            else if (_now >= _speedingUntil)
            {
                FinishErrand();
                _cruiseKmh = ChooseCruiseKmh(_from, _direction);
                _plan = PlanNode(_from.Next(_direction), _direction);
            }
        }

        if (_alongMeters >= StreetGrid.BlockMeters)
        {
            ArriveAtNode();
        }

        return braked;
    }

    private double TargetSpeedMetersPerSecond()
    {
        var atNode = _plan.Action switch
        {
            NodeAction.Stop => 0,
            NodeAction.Turn => Kmh(TurnSpeedKmh),
            _ => Kmh(Math.Min(_cruiseKmh, _plan.NextCruiseKmh)),
        };
        var remaining = Math.Max(0, StreetGrid.BlockMeters - _alongMeters);
        var braking = Math.Sqrt(atNode * atNode + 2 * PlannedDecelerationMetersPerSecondSquared * remaining);
        var cruise = Kmh(_cruiseKmh) * (1 + CruiseWanderRatio * _wander);
        return Math.Max(Math.Min(cruise, braking), _plan.Action == NodeAction.Stop ? CreepSpeedMetersPerSecond : 0);
    }

    private static double Acceleration(double speedMetersPerSecond) =>
        Math.Max(MinAccelerationMetersPerSecondSquared, MaxAccelerationMetersPerSecondSquared - speedMetersPerSecond / 25);

    private void ArriveAtNode()
    {
        _from = _from.Next(_direction);
        if (_plan.Action == NodeAction.Stop)
        {
            _alongMeters = 0;
            _speedMetersPerSecond = 0;
            if (_plan.Park)
            {
                _park = _errand == Errand.Refuel
                    ? Park.Refuel(_now, RefuelToPercent - _fuelPercent)
                    : Park.Theft(_now, TheftDropPercent, TheftDrain);
                _ignition = false;
            }
            else
            {
                _stoppedUntil = _now + _plan.StopFor;
                _atLegEnd = _errand == Errand.Delivery && _from == _legEnd;
                _handoverAt = _atLegEnd && _leg == DeliveryLeg.ToDropoff ? _now + HandoverStartsAfter : null;
            }

            return;
        }

        _alongMeters -= StreetGrid.BlockMeters;
        _direction = _plan.Next;
        BeginStreet(_plan.NextCruiseKmh);
    }

    private void Depart(ICollection<DriverStatusChange> statusChanges)
    {
        _stoppedUntil = null;
        _park = null;
        _ignition = true;
        _direction = _plan.Next;
        if (_atLegEnd && Delivery is { } delivery)
        {
            _atLegEnd = false;
            if (_leg == DeliveryLeg.ToPickup)
            {
                statusChanges.Add(StatusChange(JobStatus.EnRoute, _now));
                StartLeg(DeliveryLeg.ToDropoff, delivery.Dropoff);
                _direction = TowardLegEnd(_from, _direction, canTurn: true, standing: true);
            }
            else
            {
                statusChanges.Add(StatusChange(JobStatus.Completed, _now));
                Delivery = null;
                FinishErrand();
            }
        }
        else if (_errand is Errand.FuelTheft or Errand.Refuel && _plan.Park)
        {
            FinishErrand();
        }
        else if (_errand == Errand.DepotVisit && _from == GridNode.Centre)
        {
            _depotBlocksToLeave = DepotLeavingBlocks;
        }

        BeginStreet(_plan.NextCruiseKmh);
    }

    private void BeginStreet(double cruiseKmh)
    {
        _cruiseKmh = cruiseKmh;
        if (_errand == Errand.DepotVisit && _depotBlocksToLeave > 0 && --_depotBlocksToLeave == 0)
        {
            FinishErrand();
        }

        _plan = PlanNode(_from.Next(_direction), _direction);
    }

    /// <summary>Decides, one node ahead, where to go there and whether to stop, so the vehicle can brake in time.</summary>
    private NodePlan PlanNode(GridNode node, Direction arriving)
    {
        var remaining = StreetGrid.BlockMeters - _alongMeters;
        var canTurn = CanSlowTo(Kmh(TurnSpeedKmh), remaining);
        var canStop = CanSlowTo(0, remaining);
        Direction next;
        var stop = false;
        var park = false;
        var stopFor = TimeSpan.Zero;
        switch (_errand)
        {
            case Errand.Speeding:
                next = canTurn ? LongestRun(node, arriving) : arriving;
                break;
            case Errand.DepotVisit when _depotBlocksToLeave > 0:
                next = arriving;
                break;
            case Errand.DepotVisit:
                next = node == GridNode.Centre ? RandomDirection(node, arriving, canTurn) : TowardCentre(node, arriving, canTurn);
                stop = canStop && node == GridNode.Centre;
                stopFor = DepotStop;
                break;
            case Errand.Delivery:
                // At the stop itself the way on is chosen when the driver leaves, for the next leg.
                next = node == _legEnd ? arriving : TowardLegEnd(node, arriving, canTurn, standing: false);
                stop = canStop && (node == _legEnd || _random.NextDouble() < StopProbability);
                stopFor = node != _legEnd ? Between(MinIntersectionStop, MaxIntersectionStop)
                    : _leg == DeliveryLeg.ToPickup ? Loading : HandoverStartsAfter + Handover;
                break;
            case Errand.FuelTheft or Errand.Refuel:
                next = RandomDirection(node, arriving, canTurn);
                stop = park = canStop;
                break;
            default:
                next = RandomDirection(node, arriving, canTurn);
                stop = canStop && _random.NextDouble() < StopProbability;
                stopFor = Between(MinIntersectionStop, MaxIntersectionStop);
                break;
        }

        var action = stop ? NodeAction.Stop : next == arriving ? NodeAction.Straight : NodeAction.Turn;
        return new NodePlan(action, next, stopFor, ChooseCruiseKmh(node, next), park);
    }

    private bool CanSlowTo(double speedMetersPerSecond, double remainingMeters)
    {
        var now = _speedMetersPerSecond;
        return now <= speedMetersPerSecond ||
            now * now - speedMetersPerSecond * speedMetersPerSecond <= 2 * PlannedDecelerationMetersPerSecondSquared * remainingMeters;
    }

    /// <summary>Mostly straight on, sometimes left or right; never out of the city unless heading back into it.</summary>
    private Direction RandomDirection(GridNode node, Direction arriving, bool canTurn)
    {
        if (!canTurn)
        {
            return arriving;
        }

        Span<(Direction Direction, double Weight)> choices = [(arriving, 0.6), (arriving.Left(), 0.2), (arriving.Right(), 0.2)];
        var total = 0.0;
        foreach (ref var choice in choices)
        {
            var to = node.Next(choice.Direction);
            if (!_grid.Contains(to) && to.DistanceFromCentreMeters >= node.DistanceFromCentreMeters)
            {
                choice.Weight = 0;
            }

            total += choice.Weight;
        }

        if (total == 0)
        {
            return arriving.Reverse();
        }

        var pick = _random.NextDouble() * total;
        foreach (var choice in choices)
        {
            pick -= choice.Weight;
            if (pick < 0)
            {
                return choice.Direction;
            }
        }

        return arriving;
    }

    /// <summary>Closes the larger of the two distances to the centre first; never a U-turn on the move.</summary>
    private static Direction TowardCentre(GridNode node, Direction arriving, bool canTurn)
    {
        Direction wanted;
        if (Math.Abs(node.East) >= Math.Abs(node.North) && node.East != 0)
        {
            wanted = node.East > 0 ? Direction.West : Direction.East;
        }
        else
        {
            wanted = node.North > 0 ? Direction.South : Direction.North;
        }

        if (!canTurn || wanted == arriving)
        {
            return arriving;
        }

        if (wanted != arriving.Reverse())
        {
            return wanted;
        }

        // Turn off to the side that closes the other distance, and come back round from there.
        return arriving is Direction.East or Direction.West
            ? (node.North > 0 ? Direction.South : Direction.North)
            : (node.East > 0 ? Direction.West : Direction.East);
    }

    /// <summary>
    /// Across the grid the way a driver cuts across a city: blocks east-west and north-south in the proportion of the
    /// whole leg, keeping near the straight line from where the leg began; around the block when past the stop.
    /// </summary>
    /// <param name="standing">Setting off from a stop, when turning back is allowed.</param>
    private Direction TowardLegEnd(GridNode node, Direction arriving, bool canTurn, bool standing)
    {
        var (east, north) = (_legEnd.East - node.East, _legEnd.North - node.North);
        Direction? alongEast = east > 0 ? Direction.East : east < 0 ? Direction.West : null;
        Direction? alongNorth = north > 0 ? Direction.North : north < 0 ? Direction.South : null;
        if (!canTurn || (alongEast is null && alongNorth is null))
        {
            return arriving;
        }

        var wanted = (alongEast, alongNorth) switch
        {
            ({ } a, { } b) => Nearer(a, b),
            ({ } a, null) => a,
            _ => alongNorth!.Value,
        };
        if (standing || wanted != arriving.Reverse())
        {
            return wanted;
        }

        // The stop is behind: turn off towards the other distance still to close, or round the block.
        return (wanted == alongEast ? alongNorth : alongEast) ?? arriving.Right();

        // Of two ways that both close in, the one staying nearer the leg's line; on a tie, straight on.
        Direction Nearer(Direction a, Direction b)
        {
            var (offA, offB) = (OffLegLine(node.Next(a)), OffLegLine(node.Next(b)));
            return offA < offB || (offA == offB && a == arriving) ? a : b;
        }
    }

    /// <summary>How far (in blocks, scaled by the leg's length) a node lies off the straight line of the leg.</summary>
    private double OffLegLine(GridNode node)
    {
        var (legEast, legNorth) = (_legEnd.East - _legStart.East, _legEnd.North - _legStart.North);
        return Math.Abs((double)legEast * (node.North - _legStart.North) - (double)legNorth * (node.East - _legStart.East));
    }

    private void StartLeg(DeliveryLeg leg, GeoPoint to)
    {
        _leg = leg;
        _legStart = _from;
        _legEnd = _grid.NearestNode(to);
    }

    private DriverStatusChange StatusChange(JobStatus status, DateTimeOffset at) => new(DeviceId, Delivery!.JobId, status, at);

    /// <summary>
    /// A node of the city at a random distance in the ring around <paramref name="from"/>, not that node. A point of the
    /// ring outside the city is pulled in towards the centre, so a small city gives shorter deliveries, not none.
    /// </summary>
    private GridNode NodeNear(GridNode from, double minMeters, double maxMeters)
    {
        while (true)
        {
            var meters = Between(minMeters, maxMeters);
            var angle = Between(0, 2 * Math.PI);
            var (east, north) = (from.East * StreetGrid.BlockMeters + meters * Math.Cos(angle), from.North * StreetGrid.BlockMeters + meters * Math.Sin(angle));
            var inside = Math.Min(1, _grid.RadiusMeters / Math.Sqrt((east * east) + (north * north)));
            var node = new GridNode((int)(east * inside / StreetGrid.BlockMeters), (int)(north * inside / StreetGrid.BlockMeters));
            if (node != from)
            {
                return node;
            }
        }
    }

    private Direction LongestRun(GridNode node, Direction arriving)
    {
        var best = arriving;
        var bestBlocks = _grid.StraightRunBlocks(node, arriving);
        foreach (var side in (ReadOnlySpan<Direction>)[arriving.Left(), arriving.Right()])
        {
            var blocks = _grid.StraightRunBlocks(node, side);
            if (blocks > bestBlocks)
            {
                (best, bestBlocks) = (side, blocks);
            }
        }

        return best;
    }

    private double ChooseCruiseKmh(GridNode from, Direction direction)
    {
        if (_errand == Errand.Speeding)
        {
            return SpeedingCruiseKmh;
        }

        var arterial = StreetGrid.IsArterial(from, direction);
        var limit = arterial ? ArterialLimitKmh : MinorStreetLimitKmh;
        var to = from.Next(direction);
        var fromCentre = Math.Min(from.DistanceFromCentreMeters, to.DistanceFromCentreMeters);
        if (fromCentre < CalmZoneRadiusMeters)
        {
            limit = Math.Min(limit, CalmZoneLimitKmh);
        }

        if (_errand == Errand.DepotVisit && fromCentre < DepotApproachRadiusMeters)
        {
            limit = Math.Min(limit, DepotApproachLimitKmh);
        }

        var wanted = (arterial ? Between(ArterialMinKmh, ArterialMaxKmh) : Between(MinorStreetMinKmh, MinorStreetMaxKmh)) * _temperament;
        return Math.Min(wanted, limit / (1 + CruiseWanderRatio));
    }

    /// <remarks>
    /// The manoeuvre waits until it fits before the next regular report, so that the fixes it adds bracket it alone;
    /// when reports come that often anyway, they bracket it themselves.
    /// </remarks>
    private bool CanBrakeHard() =>
        _speedMetersPerSecond >= Kmh(HarshBrakingMinSpeedKmh) && _plan.Action != NodeAction.Stop &&
        StreetGrid.BlockMeters - _alongMeters >= HarshBrakingMinRoomMeters &&
        (NextReportAt - _now > MaxHarshBraking + MaxStep || _reportInterval * MinIntervalRatio <= MaxHarshBraking + MaxStep);

    private void StartErrandIfDue()
    {
        if (_errand != Errand.None)
        {
            return;
        }

        if (Delivery is { } delivery)
        {
            _errand = Errand.Delivery;
            StartLeg(DeliveryLeg.ToPickup, delivery.Pickup);
        }
        else if (_now < _nextErrandAt)
        {
            return;
        }
        else if (_fuelPercent < RefuelBelowPercent)
        {
            _errand = Errand.Refuel;
        }
        else if (_errands.Length > 0)
        {
            _errand = _errands[_nextErrand++ % _errands.Length] switch
            {
                ScenarioKind.Speeding => Errand.Speeding,
                ScenarioKind.Geofence => Errand.DepotVisit,
                ScenarioKind.HarshBraking => Errand.HarshBraking,
                _ => Errand.FuelTheft,
            };
        }
        else
        {
            _nextErrandAt = _now + MaxErrandPause;
            return;
        }

        if (_errand == Errand.Speeding)
        {
            _cruiseKmh = SpeedingCruiseKmh;
        }

        // A moving vehicle rethinks the next intersection at once; a stopped one when it next sets off.
        if (_stoppedUntil is null && _park is null)
        {
            _plan = PlanNode(_from.Next(_direction), _direction);
        }
    }

    private void FinishErrand()
    {
        _errand = Errand.None;
        _speedingUntil = null;
        _depotBlocksToLeave = 0;
        _atLegEnd = false;
        _handoverAt = null;
        _nextErrandAt = _now + Between(MinErrandPause, MaxErrandPause);
    }

    private void Report(ICollection<TelemetryFix> reported, IReadOnlyList<string> events)
    {
        if (_now == _lastFixAt)
        {
            return;
        }

        _lastFixAt = _now;
        var (unitEast, unitNorth) = _direction.Unit();
        var east = _from.East * StreetGrid.BlockMeters + unitEast * _alongMeters;
        var north = _from.North * StreetGrid.BlockMeters + unitNorth * _alongMeters;
        var accuracy = Between(3, 9);
        var position = _grid.ToGeoPoint(east + Gaussian() * accuracy / 4, north + Gaussian() * accuracy / 4);
        reported.Add(new TelemetryFix(
            DeviceId,
            _now,
            Math.Round(position.Latitude, 6),
            Math.Round(position.Longitude, 6),
            Math.Round(_speedMetersPerSecond * 3.6, 1),
            _direction.HeadingDegrees(),
            Math.Round(accuracy, 1),
            Math.Round(StreetGrid.AltitudeMeters(east, north) + Gaussian(), 1),
            ++_seq,
            DriverId,
            Math.Round(_odometerKm, 3),
            Math.Round(_fuelPercent, 1),
            _ignition,
            events));
    }

    private static double Kmh(double kmh) => kmh / 3.6;

    private double Between(double min, double max) => min + (max - min) * _random.NextDouble();

    private TimeSpan Between(TimeSpan min, TimeSpan max) => TruncateToMilliseconds(min + (max - min) * _random.NextDouble());

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan TruncateToMilliseconds(TimeSpan span) => TimeSpan.FromMilliseconds(Math.Floor(span.TotalMilliseconds));

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    /// <param name="NextCruiseKmh">The speed wanted on the street taken there.</param>
    /// <param name="Park">A stop with the ignition off, for an errand.</param>
    private readonly record struct NodePlan(NodeAction Action, Direction Next, TimeSpan StopFor, double NextCruiseKmh, bool Park);

    /// <summary>A stop with the ignition off, during which the fuel level changes at a steady rate for a while.</summary>
    private sealed record Park(DateTimeOffset Since, TimeSpan ChangeFrom, TimeSpan ChangeFor, double ChangePercent, TimeSpan Total)
    {
        // The driver is back and has started the engine shortly before moving off.
        private static readonly TimeSpan EngineRunningBeforeLeaving = TimeSpan.FromSeconds(15);

        public DateTimeOffset IgnitionOnAt => Since + Total - EngineRunningBeforeLeaving;

        public DateTimeOffset Until => Since + Total;

        public static Park Theft(DateTimeOffset since, double dropPercent, TimeSpan drain) => new(
            since, TimeSpan.FromSeconds(60), drain, -dropPercent, TimeSpan.FromSeconds(60) + drain + TimeSpan.FromSeconds(120));

        public static Park Refuel(DateTimeOffset since, double fillPercent) => new(
            since, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), fillPercent, TimeSpan.FromMinutes(4));

        /// <summary>The change over one step starting <paramref name="parkedFor"/> into the stop.</summary>
        public double FuelChangePercent(TimeSpan parkedFor, double seconds)
        {
            var from = Math.Max(parkedFor.TotalSeconds, ChangeFrom.TotalSeconds);
            var to = Math.Min(parkedFor.TotalSeconds + seconds, (ChangeFrom + ChangeFor).TotalSeconds);
            return to > from ? ChangePercent * (to - from) / ChangeFor.TotalSeconds : 0;
        }
    }
}
