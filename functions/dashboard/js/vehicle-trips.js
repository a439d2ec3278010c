// The selected vehicle's trips: the last day's list read from the API and kept current by `trip_update`, and a chosen
// trip's path on the map.

import { byId } from './dom.js';
import { isNumber, parseTime } from './format.js';
import { TripsPanel } from './trips-panel.js';

const TRIP_WINDOW_MS = 24 * 3600 * 1000;

export class VehicleTrips {
  /**
   * @param {object} hooks
   * @param {object} hooks.api
   * @param {object} hooks.map the fleet map, which draws a trip's path
   * @param {object} hooks.messages
   * @param {(vehicleId: string) => string} hooks.vehicleName
   * @param {() => void} hooks.onShowingPath looking at history: the live vehicle must not drag the map away from it
   * @param {(context: string, error: Error) => void} hooks.failed
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.panel = new TripsPanel(byId('trips'), byId('trips-note'), byId('trips-vehicle'), {
      onShowTrip: (trip) => this.showTrip(trip),
    });
    this.vehicleId = null;
    this.trips = new Map();
    this.loaded = false;
    this.arrivedDuringLoad = null;
    this.request = 0;
    this.pathRequest = 0;
  }

  /** A vehicle was chosen: its trips are read, and no trip of it is shown yet. */
  select(vehicleId) {
    this.vehicleId = vehicleId;
    this.panel.markShown(null);
    this.load(false);
  }

  /** The same vehicle's trips again (trip updates may have been missed): the list keeps showing meanwhile. */
  reload() {
    if (this.vehicleId !== null) {
      this.load(true);
    }
  }

  /** The selected vehicle went away: its trips on their way would fill the panel of a vehicle no longer there. */
  forget(note) {
    this.vehicleId = null;
    this.request++;
    this.panel.showNote(note);
  }

  apply(trip) {
    if (trip.vehicle_id !== this.vehicleId || typeof trip.trip_id !== 'string') {
      return;
    }
    // Kept for the list on its way, which may have been read before this news.
    if (this.arrivedDuringLoad) {
      mergeTrip(this.arrivedDuringLoad, trip);
    }
    if (this.loaded && mergeTrip(this.trips, trip)) {
      this.render();
    }
  }

  /** The clock moved on: trips under way last longer. */
  tick() {
    this.panel.refreshOpenTrips();
  }

  async load(reload) {
    const request = ++this.request;
    const vehicleId = this.vehicleId;
    const name = this.hooks.vehicleName(vehicleId);
    if (!reload) {
      this.loaded = false;
      this.trips = new Map();
      this.panel.showNote('Loading trips…', name);
    }
    const arrived = new Map();
    this.arrivedDuringLoad = arrived;
    const to = new Date();
    const from = new Date(to.getTime() - TRIP_WINDOW_MS);
    try {
      const trips = await this.hooks.api.trips(vehicleId, from, to);
      if (request !== this.request) {
        return;
      }
      this.arrivedDuringLoad = null;
      this.trips = new Map(trips.map((trip) => [trip.trip_id, trip]));
      for (const trip of arrived.values()) {
        mergeTrip(this.trips, trip);
      }
      this.loaded = true;
      this.render();
    } catch (error) {
      if (request === this.request) {
        this.arrivedDuringLoad = null;
        this.panel.showNote('Trips could not be loaded.', name);
        this.hooks.failed(`Could not load the trips of ${name}`, error);
      }
    }
  }

  render() {
    const trips = [...this.trips.values()].sort((a, b) => (parseTime(b.start_time) ?? 0) - (parseTime(a.start_time) ?? 0));
    this.panel.render(trips, this.hooks.vehicleName(this.vehicleId));
  }

  async showTrip(trip) {
    const request = ++this.pathRequest;
    this.hooks.onShowingPath();
    this.panel.markShown(trip.trip_id);
    const from = new Date(trip.start_time);
    // The range's end is exclusive: one millisecond more keeps the trip's last fix.
    const to = trip.end_time ? new Date(Date.parse(trip.end_time) + 1) : new Date();
    try {
      const { items, complete } = await this.hooks.api.locations(trip.vehicle_id, from, to);
      if (request !== this.pathRequest) {
        return;
      }
      let points = items.map((position) => [position.latitude, position.longitude]);
      if (points.length === 0) {
        points = [[trip.start_latitude, trip.start_longitude], [trip.end_latitude, trip.end_longitude]]
          .filter(([latitude, longitude]) => isNumber(latitude) && isNumber(longitude));
      }
      this.hooks.map.showTripPath(points);
      if (!complete) {
        this.hooks.messages.info(`The trip is long: its path shows the first ${points.length} positions.`);
      }
    } catch (error) {
      if (request === this.pathRequest) {
        this.hooks.failed('Could not load the trip\u2019s path', error);
      }
    }
  }
}

/**
 * Puts a trip update into `trips` unless it is older than what is there: a trip only moves forward, so news that it is
 * still going never replaces news that it ended (messages may be reordered, or overtaken by a list read later).
 * @returns {boolean} whether it was put
 */
function mergeTrip(trips, trip) {
  const known = trips.get(trip.trip_id);
  if (known && known.status !== 'started' && trip.status === 'started') {
    return false;
  }
  trips.set(trip.trip_id, trip);
  return true;
}
