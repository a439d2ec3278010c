// The signed-in dashboard: what the fleet looks like now (snapshot from the HTTP API, kept current by realtime
// messages), and what the dispatcher does with it (select and follow a vehicle, read its trips, handle alerts).

import { AlertsPanel } from './alerts-panel.js';
import { ConfigChanges } from './config-changes.js';
import { byId, el, setText } from './dom.js';
import { FleetMap } from './fleet-map.js';
import { FollowTrail } from './follow-trail.js';
import { JobsPanel } from './jobs-panel.js';
import { formatClock, formatCompanyDay, formatWithUnit, isNumber, parseTime } from './format.js';
import { KpiTiles } from './kpi-tiles.js';
import { RealtimeLink, SequenceTracker } from './realtime.js';
import { VehicleList } from './vehicle-list.js';
import { VehicleTrips } from './vehicle-trips.js';

const TICK_MS = 5000;
const MAX_ALERTS = 200;
const MAX_ACTIVITY_LINES = 5;

/** Followed one by one at connect time: a driver's or viewer's own vehicles are few. */
const MAX_OWN_VEHICLES_FOLLOWED = 20;

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

export class Dashboard {
  /**
   * @param {object} options
   * @param {import('./api.js').FleetApi} options.api
   * @param {import('./messages.js').Messages} options.messages
   * @param {object} options.config config.json
   * @param {{role: string|null}} options.identity
   * @param {() => void} options.onSessionEnded the server no longer accepts the user's token
   */
  constructor({ api, messages, config, identity, onSessionEnded }) {
    this.api = api;
    this.messages = messages;
    this.config = config;
    // Admins and dispatchers see the company; drivers and viewers only the vehicles in their token.
    this.companyWide = identity.role !== 'driver' && identity.role !== 'viewer';
    this.onSessionEnded = onSessionEnded;

    this.vehicles = new Map();
    this.driverNames = new Map();
    this.alerts = new Map();
    this.selectedId = null;
    this.following = false;
    this.followChain = Promise.resolve();

    this.connectionState = 'disconnected';
    this.everConnected = false;
    // When the live connection dropped, until it is back.
    this.lostAt = null;
    this.lastMessageAt = null;
    this.fittedOnce = false;
    this.geofencesLoaded = false;
    this.snapshotLoading = false;
    this.snapshotAgain = false;
    this.refollowDue = false;
    this.queued = [];
    this.sequence = new SequenceTracker(() => this.refreshSnapshot());
    this.lastDashboardAt = null;
    this.ticker = 0;
    // Removes every listener this dashboard adds outside its own elements, when it stops.
    this.listeners = new AbortController();
  }

  start() {
    this.connectionElement = byId('connection-state');
    this.staleBanner = byId('stale-banner');
    this.retryButton = byId('retry-now');
    this.activity = byId('activity');
    this.companyTime = byId('company-time');
    this.showCompanyTime();

    this.map = new FleetMap(byId('map'), this.config, {
      onVehicleClick: (vehicleId) => this.selectVehicle(vehicleId),
      onUserPan: () => {
        // The dispatcher looks elsewhere: stop dragging the map back to the followed vehicle until it is chosen again.
        this.following = false;
      },
    });
    this.trail = new FollowTrail(this.map);
    this.vehicleList = new VehicleList(byId('vehicle-list'), byId('vehicles-empty'), byId('vehicle-count'), {
      onSelect: (vehicleId) => this.selectVehicle(vehicleId),
    });
    this.alertsPanel = new AlertsPanel(byId('alerts'), byId('alerts-unread'), byId('alerts-empty'), byId('alerts-heading'), {
      onRead: (alertId) => this.markAlertRead(alertId),
      onDelete: (alertId) => this.deleteAlert(alertId),
      onShowVehicle: (vehicleId) => this.selectVehicle(vehicleId),
      vehicleName: (vehicleId) => this.vehicleName(vehicleId),
    });
    this.trips = new VehicleTrips({
      api: this.api,
      map: this.map,
      messages: this.messages,
      vehicleName: (vehicleId) => this.vehicleName(vehicleId),
      onShowingPath: () => {
        this.following = false;
      },
      failed: (context, error) => this.failed(context, error),
    });
    this.kpis = new KpiTiles(byId('kpis'));
    this.jobsPanel = new JobsPanel(
      { list: byId('job-list'), empty: byId('jobs-empty'), count: byId('jobs-count'), form: byId('new-job') },
      {
        api: this.api,
        failed: (context, error) => this.failed(context, error),
        info: (text) => this.messages.info(text),
        vehicles: () => [...this.vehicles.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))),
        drivers: () => [...this.driverNames.entries()].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
        vehicleName: (vehicleId) => this.vehicleName(vehicleId),
        driverName: (driverId) => this.driverNames.get(driverId) ?? driverId,
        mapCentre: () => this.map.centre(),
      },
    );
    this.configChanges = new ConfigChanges({
      failed: (context, error) => this.failed(context, error),
      kinds: {
        vehicle: { read: (id) => this.api.vehicle(id), put: (view) => this.putVehicle(view), remove: (id) => this.forgetVehicle(id) },
        driver: { read: (id) => this.api.driver(id), put: (driver) => this.nameDriver(driver.driver_id, driver.name), remove: (id) => this.nameDriver(id, null) },
        geofence: { read: (id) => this.api.geofence(id), put: (fence) => this.map.showGeofence(fence), remove: (id) => this.map.removeGeofence(id) },
      },
    });
    if (!this.companyWide) {
      this.hideCompanyPanels();
    }

    const { signal } = this.listeners;
    byId('vehicle-filter').addEventListener('input', (event) => this.vehicleList.filter(event.target.value), { signal });
    this.retryButton.addEventListener('click', () => this.link.retryNow(), { signal });
    window.addEventListener('online', () => this.link.retryNow(), { signal });
    this.ticker = setInterval(() => this.tick(), TICK_MS);

    this.link = new RealtimeLink({
      api: this.api,
      onState: (state) => this.showConnectionState(state),
      onEnvelope: (type, envelope) => this.receive(type, envelope),
      onConnected: () => {
        if (this.lostAt !== null) {
          this.connectionRestored();
        }
        this.refollowDue = true;
        // Fences are read once and then kept current by config_changed, which has no seq to reveal a loss: one that
        // changed while the link was down is read again here.
        this.geofencesLoaded = false;
        this.refreshSnapshot();
      },
      onUnauthorized: () => this.onSessionEnded(),
      onAttemptFailed: (error) => this.connectFailed(error),
    });
    this.link.start();
  }

  async stop() {
    clearInterval(this.ticker);
    this.listeners.abort();
    this.sequence.reset();
    await this.link?.stop();
    this.map?.remove();
  }

  /** What window.fleetDashboard.vehicles() reports: the vehicles that have a marker. */
  shownVehicles() {
    return [...this.vehicles.values()]
      .filter((vehicle) => isNumber(vehicle.latitude) && isNumber(vehicle.longitude))
      .map(({ vehicle_id, latitude, longitude, status }) => ({ vehicle_id, latitude, longitude, status }));
  }

  // --- connection -------------------------------------------------------------------------------------------------

  showConnectionState(state) {
    if (state !== 'connected' && this.connectionState === 'connected') {
      this.lostAt = Date.now();
    }
    this.connectionState = state;
    const element = this.connectionElement;
    element.dataset.state = state;
    setText(element.querySelector('.state-text'), CONNECTION_TEXT[state]);
    this.retryButton.hidden = state !== 'reconnecting';
    if (state === 'connected') {
      this.everConnected = true;
    }
    this.showStaleness();
  }

  /** While the link is down the map shows the past: say so, with the time of the last news. */
  showStaleness() {
    const stale = this.connectionState !== 'connected' && (this.everConnected || this.vehicles.size > 0);
    this.staleBanner.hidden = !stale;
    document.body.classList.toggle('is-stale', stale);
    if (stale) {
      const since = this.lastMessageAt === null ? '' : ` Last update at ${formatClock(this.lastMessageAt)}.`;
      setText(this.staleBanner, `Live updates paused: positions may be out of date.${since}`);
    }
  }

  /**
   * Back after a drop (a host restart, a network change): what was sent meanwhile never reached this page, and the
   * snapshot re-read now may look quite different. Say so rather than reset silently, and break the followed trail here.
   */
  connectionRestored() {
    const lostAt = this.lostAt;
    this.lostAt = null;
    this.trail.interrupt();
    const trail = this.selectedId === null ? '' : ` The trail of ${this.vehicleName(this.selectedId)} shows the gap.`;
    this.messages.info(`Live updates were interrupted from ${formatClock(lostAt)} to ${formatClock(Date.now())}: the map was reloaded.${trail}`);
    this.logActivity(null, `Live updates resumed (interrupted at ${formatClock(lostAt)})`);
  }

  /** The company's today and time zone, which every time and "today" on the page is told in. */
  showCompanyTime() {
    setText(this.companyTime, formatCompanyDay());
  }

  connectFailed(error) {
    // A server that cannot be reached is what the connection state already says; anything else is worth reading.
    if (error?.status !== 0) {
      this.messages.problem('Live updates could not connect', error);
    }
    // Without a connection the dispatcher should still see where the fleet was.
    if (!this.fittedOnce && !this.snapshotLoading) {
      this.refreshSnapshot();
    }
  }

  // --- snapshot ---------------------------------------------------------------------------------------------------

  /**
   * Re-reads the whole state. Messages arriving meanwhile wait and are applied after it (each one is idempotent), so
   * the snapshot cannot overwrite news that came while it was on its way.
   */
  async refreshSnapshot() {
    if (this.snapshotLoading) {
      this.snapshotAgain = true;
      return;
    }
    this.snapshotLoading = true;
    this.sequence.reset();
    try {
      await this.loadSnapshot();
    } finally {
      this.snapshotLoading = false;
      const queued = this.queued;
      this.queued = [];
      for (const [type, envelope] of queued) {
        this.receive(type, envelope);
      }
    }
    if (this.snapshotAgain) {
      this.snapshotAgain = false;
      await this.refreshSnapshot();
    }
  }

  async loadSnapshot() {
    const { answers, failures } = await this.fetchSnapshot();
    if (failures.some(([, error]) => error?.status === 401)) {
      this.onSessionEnded();
      return;
    }
    this.reportSnapshotFailures(failures);
    this.applySnapshot(answers);
  }

  /** The parts of the state this user may see, side by side: a part that fails leaves the others usable. */
  async fetchSnapshot() {
    const requests = {
      vehicles: this.api.vehicles(),
      ...(this.companyWide
        ? { dashboard: this.api.dashboard(), alerts: this.api.alerts(), drivers: this.api.drivers(), jobs: this.api.jobs() }
        : {}),
      ...(this.geofencesLoaded ? {} : { geofences: this.api.geofences() }),
    };
    const names = Object.keys(requests);
    const results = await Promise.allSettled(Object.values(requests));
    const answers = {};
    const failures = [];
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        answers[names[index]] = result.value;
      } else {
        failures.push([names[index], result.reason]);
      }
    });
    return { answers, failures };
  }

  /** One message per distinct problem: a server that is down fails every part of the snapshot alike. */
  reportSnapshotFailures(failures) {
    const byProblem = new Map();
    for (const [name, error] of failures) {
      if (error?.status === 403 && name !== 'vehicles') {
        // The token's role was not known or not what it seemed: it may not see company-wide data.
        this.companyWide = false;
        this.hideCompanyPanels();
      } else if (error?.status !== 0 || this.connectionState === 'connected') {
        // An unreachable server while the link is down is what the connection state already says.
        const key = error?.message ?? '';
        byProblem.set(key, { error, names: [...(byProblem.get(key)?.names ?? []), name] });
      }
    }
    for (const { error, names } of byProblem.values()) {
      this.messages.problem(`Could not load ${names.join(', ')}`, error);
    }
  }

  applySnapshot(answers) {
    if (answers.drivers) {
      this.driverNames = new Map(answers.drivers.map((driver) => [driver.driver_id, driver.name]));
    }
    if (answers.vehicles) {
      this.applyVehicles(answers.vehicles);
    }
    if (answers.dashboard) {
      this.lastDashboardAt = null;
      this.kpis.render(answers.dashboard);
    }
    if (answers.alerts) {
      this.alerts = new Map(answers.alerts.map((alert) => [alert.id, alert]));
      this.renderAlerts();
    }
    if (Array.isArray(answers.jobs)) {
      this.jobsPanel.setJobs(answers.jobs);
    }
    if (answers.geofences) {
      this.geofencesLoaded = true;
      this.map.showGeofences(answers.geofences);
    }
    if (answers.vehicles && !this.fittedOnce) {
      this.fittedOnce = true;
      this.map.fitToVehicles([...this.vehicles.values()]);
    }
    // Once per (re)connect, after the snapshot says which vehicles there are: a snapshot re-read for a seq gap leaves
    // group membership as it was.
    if (this.refollowDue && this.connectionState === 'connected') {
      this.refollowDue = false;
      this.refollow();
    }
    this.trips.reload();
    this.showStaleness();
  }

  /**
   * The snapshot is the truth, except where this page has seen a newer fix (see vehicleFromSnapshot). Messages that
   * arrived before it was requested are in it, and those arriving while it loads are applied after it.
   */
  applyVehicles(list) {
    const listed = new Set();
    for (const view of list) {
      listed.add(view.vehicle_id);
      this.putVehicle(view);
    }
    for (const vehicleId of [...this.vehicles.keys()]) {
      if (!listed.has(vehicleId)) {
        this.forgetVehicle(vehicleId);
      }
    }
  }

  /** A vehicle as the API shows it (a snapshot row, or one read again after it changed). */
  putVehicle(view) {
    const vehicle = vehicleFromSnapshot(view, this.vehicles.get(view.vehicle_id));
    this.vehicles.set(view.vehicle_id, vehicle);
    this.showVehicle(vehicle);
  }

  forgetVehicle(vehicleId) {
    this.vehicles.delete(vehicleId);
    this.map.removeVehicle(vehicleId);
    this.vehicleList.remove(vehicleId);
    if (this.selectedId === vehicleId) {
      this.selectedId = null;
      this.map.select(null);
      this.map.clearTrail();
      this.map.clearTripPath();
      this.trips.forget('The selected vehicle was removed from the fleet.');
      if (this.companyWide) {
        this.changeFollow(vehicleId, null);
      }
    }
  }

  /** A driver added, renamed or removed (`name` null): what shows wherever its id does (its vehicles, its jobs). */
  nameDriver(driverId, name) {
    if (name === null) {
      this.driverNames.delete(driverId);
    } else {
      this.driverNames.set(driverId, name);
    }
    for (const vehicle of this.vehicles.values()) {
      if (vehicle.driver_id === driverId) {
        this.showVehicle(vehicle);
      }
    }
    this.jobsPanel.render();
  }

  /** A driver or viewer has no company KPIs and no alerts: hide the panels rather than show empty ones. */
  hideCompanyPanels() {
    byId('kpis').hidden = true;
    byId('alerts-section').hidden = true;
    byId('jobs').hidden = true;
    this.map.refreshSize();
  }

  // --- realtime messages ------------------------------------------------------------------------------------------

  receive(type, envelope) {
    if (!envelope || typeof envelope !== 'object') {
      return;
    }
    if (this.snapshotLoading) {
      this.queued.push([type, envelope]);
      return;
    }
    if (!this.sequence.admit(envelope.seq)) {
      return;
    }
    if (this.snapshotLoading) {
      // This message showed a gap too wide to wait for, and started a re-fetch: like every message arriving from now
      // on, it waits for that snapshot, or the snapshot would overwrite it.
      this.queued.push([type, envelope]);
      return;
    }
    this.lastMessageAt = Date.now();
    if (envelope.data !== null && typeof envelope.data === 'object') {
      this.apply(type, envelope);
    }
  }

  apply(type, { data, seq, timestamp }) {
    switch (type) {
      case 'vehicle_location_update':
        this.applyLocations(data, typeof seq !== 'number');
        break;
      case 'vehicle_status_update':
        this.applyStatus(data);
        break;
      case 'trip_update':
        this.trips.apply(data);
        break;
      case 'alert':
        this.applyAlert(data);
        break;
      case 'alert_read':
        this.setAlertRead(data.alert_id, true);
        break;
      case 'alert_deleted':
        if (this.alerts.delete(data.alert_id)) {
          this.renderAlerts();
        }
        break;
      case 'fleet_dashboard_update':
        this.applyDashboard(data, parseTime(timestamp));
        break;
      case 'driver_event_update':
        this.logActivity(data.time, `${this.vehicleName(data.vehicle_id)}: ${String(data.event ?? 'driver event').replaceAll('_', ' ')}`);
        break;
      case 'geofence_violation_update':
        this.logActivity(data.time, `${this.vehicleName(data.vehicle_id)} ${data.transition === 'exit' ? 'left' : 'entered'} ${data.geofence_name ?? 'a geofence'}`);
        break;
      case 'job_status_update':
        this.jobsPanel.applyStatus(data);
        break;
      case 'job_eta_update':
        this.jobsPanel.applyEta(data);
        break;
      case 'assignment_new':
        this.jobsPanel.upsert(data);
        break;
      case 'config_changed':
        this.configChanges.apply(data);
        break;
      case 'maintenance_alert_update':
        this.logActivity(null, `${this.vehicleName(data.vehicle_id)}: service due at ${formatWithUnit(data.service_due_km, 0, 'km')}`);
        break;
      default:
        break;
    }
  }

  /** @param {boolean} wholeTrack a followed vehicle's group sends every fix of the batch, the company only the newest */
  applyLocations(positions, wholeTrack) {
    if (!Array.isArray(positions)) {
      return;
    }
    const ordered = [...positions].sort((a, b) => (parseTime(a.fix_time) ?? 0) - (parseTime(b.fix_time) ?? 0));
    const newest = new Map();
    for (const position of ordered) {
      newest.set(position.vehicle_id, position);
    }
    for (const position of newest.values()) {
      this.applyPosition(position);
    }
    if (wholeTrack && this.selectedId !== null) {
      this.trail.extend(ordered.filter((position) => position.vehicle_id === this.selectedId));
    }
  }

  applyPosition(position) {
    const fixTime = parseTime(position.fix_time);
    const known = this.vehicles.get(position.vehicle_id);
    // A late fix (a device flushing its buffer) is history, not where the vehicle is now.
    if (known && known.fixTime !== null && fixTime !== null && fixTime < known.fixTime) {
      return;
    }
    const vehicle = {
      ...(known ?? { vehicle_id: position.vehicle_id, name: position.vehicle_id }),
      latitude: position.latitude,
      longitude: position.longitude,
      speed_kmh: position.speed_kmh,
      heading_degrees: position.heading_degrees,
      status: position.status ?? known?.status,
      driver_id: position.driver_id ?? null,
      fixTime,
      statusTime: fixTime,
      // Heard from now, whenever its fix was taken: a device whose clock lags is not silent for that.
      seenAt: Date.now(),
      quietAfterMs: isNumber(position.no_recent_data_after_seconds) ? position.no_recent_data_after_seconds * 1000 : known?.quietAfterMs,
    };
    this.vehicles.set(vehicle.vehicle_id, vehicle);
    this.showVehicle(vehicle);
    if (vehicle.vehicle_id === this.selectedId && this.following) {
      this.map.follow(vehicle.latitude, vehicle.longitude);
    }
  }

  applyStatus(change) {
    const vehicle = this.vehicles.get(change?.vehicle_id);
    const time = parseTime(change?.time);
    if (!vehicle || (vehicle.statusTime !== null && time !== null && time < vehicle.statusTime)) {
      return;
    }
    vehicle.status = change.status;
    vehicle.statusTime = time ?? vehicle.statusTime;
    this.showVehicle(vehicle);
  }

  applyDashboard(kpis, sentAt) {
    if (!this.companyWide || (this.lastDashboardAt !== null && sentAt !== null && sentAt < this.lastDashboardAt)) {
      return;
    }
    this.lastDashboardAt = sentAt;
    this.kpis.render(kpis);
  }

  logActivity(time, text) {
    const when = parseTime(time) ?? Date.now();
    this.activity.prepend(el('li', {}, el('time', { datetime: new Date(when).toISOString(), text: formatClock(when) }), ` ${text}`));
    while (this.activity.children.length > MAX_ACTIVITY_LINES) {
      this.activity.lastElementChild.remove();
    }
  }

  // --- vehicles and selection -------------------------------------------------------------------------------------

  vehicleName(vehicleId) {
    return this.vehicles.get(vehicleId)?.name ?? vehicleId ?? 'A vehicle';
  }

  driverText(vehicle) {
    if (vehicle.driver_id === undefined) {
      return 'No driver info yet';
    }
    if (vehicle.driver_id === null) {
      return 'No driver';
    }
    return this.driverNames.get(vehicle.driver_id) ?? vehicle.driver_id;
  }

  showVehicle(vehicle) {
    vehicle.noRecentData = hasNoRecentData(vehicle, Date.now());
    this.map.showVehicle(vehicle);
    this.vehicleList.show(vehicle, this.driverText(vehicle));
  }

  selectVehicle(vehicleId) {
    const vehicle = this.vehicles.get(vehicleId);
    if (!vehicle) {
      return;
    }
    this.following = true;
    if (isNumber(vehicle.latitude) && isNumber(vehicle.longitude)) {
      this.map.focus(vehicle.latitude, vehicle.longitude);
    }
    if (vehicleId === this.selectedId) {
      return;
    }
    const previous = this.selectedId;
    this.selectedId = vehicleId;
    this.vehicleList.select(vehicleId);
    this.map.select(vehicleId);
    this.map.clearTripPath();
    this.trail.start(vehicle);
    if (this.companyWide) {
      this.changeFollow(previous, vehicleId);
    }
    this.trips.select(vehicleId);
  }

  /**
   * Follow calls run one after another, so a quick succession of clicks cannot leave two vehicles followed.
   * @param {string|null} next null when the followed vehicle went away and nothing takes its place
   */
  changeFollow(previous, next) {
    this.followChain = this.followChain.then(async () => {
      if (previous !== null) {
        try {
          await this.api.unfollow(previous);
        } catch (error) {
          this.failed(`Could not stop following ${this.vehicleName(previous)}`, error);
        }
      }
      if (next !== null) {
        await this.followQuietly(next);
      }
    });
  }

  async followQuietly(vehicleId) {
    try {
      await this.api.follow(vehicleId);
    } catch (error) {
      this.failed(`Could not follow ${this.vehicleName(vehicleId)}`, error);
    }
  }

  /** Negotiate sets group membership afresh, so whatever was followed must be followed again after a reconnect. */
  refollow() {
    const vehicleIds = this.companyWide
      ? (this.selectedId === null ? [] : [this.selectedId])
      : [...this.vehicles.keys()].slice(0, MAX_OWN_VEHICLES_FOLLOWED);
    for (const vehicleId of vehicleIds) {
      this.followChain = this.followChain.then(() => this.followQuietly(vehicleId));
    }
  }

  // --- alerts -----------------------------------------------------------------------------------------------------

  /** A new alert, or a newer version of one (an episode that ended, a severity raised): replaced by its id. */
  applyAlert(alert) {
    if (typeof alert.id === 'string') {
      this.alerts.set(alert.id, alert);
      this.renderAlerts();
    }
  }

  /**
   * Newest raised first, ties in id order, as the API lists them: an offline alert raised now goes on top, though the
   * fix it tells of (its event time) is older than those of the alerts raised before it.
   */
  renderAlerts() {
    const alerts = [...this.alerts.values()].sort((a, b) =>
      (parseTime(b.created_at) ?? 0) - (parseTime(a.created_at) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const stale of alerts.slice(MAX_ALERTS)) {
      this.alerts.delete(stale.id);
    }
    this.alertsPanel.render(alerts.slice(0, MAX_ALERTS));
  }

  setAlertRead(alertId, read) {
    const alert = this.alerts.get(alertId);
    if (alert && alert.read !== read) {
      this.alerts.set(alertId, { ...alert, read });
      this.renderAlerts();
    }
  }

  async markAlertRead(alertId) {
    this.setAlertRead(alertId, true);
    try {
      await this.api.markAlertRead(alertId);
    } catch (error) {
      // 404: it was deleted or expired meanwhile; there is nothing left to read.
      if (error?.status === 404) {
        this.alerts.delete(alertId);
        this.renderAlerts();
        return;
      }
      this.setAlertRead(alertId, false);
      this.failed('Could not mark the alert as read', error);
    }
  }

  async deleteAlert(alertId) {
    const alert = this.alerts.get(alertId);
    if (!alert) {
      return;
    }
    this.alerts.delete(alertId);
    this.renderAlerts();
    try {
      await this.api.deleteAlert(alertId);
    } catch (error) {
      // 404: someone else deleted it or it expired, which is what was asked.
      if (error?.status === 404) {
        return;
      }
      this.alerts.set(alertId, alert);
      this.renderAlerts();
      this.failed('Could not delete the alert', error);
    }
  }

  // --- housekeeping -----------------------------------------------------------------------------------------------

  tick() {
    this.vehicleList.refreshAges();
    this.trips.tick();
    this.showCompanyTime();
    const now = Date.now();
    // Silence is news too: a vehicle whose reports stopped must say so without any message arriving.
    for (const vehicle of this.vehicles.values()) {
      if (vehicle.noRecentData !== hasNoRecentData(vehicle, now)) {
        this.showVehicle(vehicle);
      }
    }
    let expired = false;
    for (const [alertId, alert] of this.alerts) {
      const expiresAt = parseTime(alert.expires_at);
      if (expiresAt !== null && expiresAt <= now) {
        this.alerts.delete(alertId);
        expired = true;
      }
    }
    if (expired) {
      this.renderAlerts();
    }
    this.showStaleness();
  }

  failed(context, error) {
    if (error?.status === 401) {
      this.onSessionEnded();
    } else {
      this.messages.problem(context, error);
    }
  }
}

/**
 * Nothing heard of the vehicle for longer than its own reporting allows (the server says how long, per vehicle): what
 * it last said, moving at 35 km/h, is no longer known to hold. Judged on this page's clock, so it shows without news.
 * An offline vehicle is shown as offline, which says more.
 */
function hasNoRecentData(vehicle, now) {
  return vehicle.status !== 'offline' && isNumber(vehicle.seenAt) && isNumber(vehicle.quietAfterMs) && now - vehicle.seenAt > vehicle.quietAfterMs;
}

/**
 * The vehicle as a snapshot row shows it. The row has no fix time, only `last_seen`: when the newest fix reached the
 * server, which is never before that fix was taken. So a fix already shown here that is newer than `last_seen` is newer
 * than the row's position, and is kept rather than jumping the marker back; otherwise the row wins, and `last_seen`
 * stands in for its fix time: a later message with an older fix is then taken for a late one and ignored, which at
 * worst holds a marker still until the next fix.
 */
function vehicleFromSnapshot(view, known) {
  const lastSeen = parseTime(view.last_seen);
  if (known && known.fixTime !== null && lastSeen !== null && known.fixTime > lastSeen) {
    return { ...known, name: view.name, expected_report_interval_seconds: view.expected_report_interval_seconds };
  }
  // Heading and driver are not in the row: they are kept while the vehicle has not moved.
  const samePlace = known?.latitude === view.latitude && known?.longitude === view.longitude;
  return {
    vehicle_id: view.vehicle_id,
    name: view.name,
    expected_report_interval_seconds: view.expected_report_interval_seconds,
    status: view.status,
    latitude: view.latitude,
    longitude: view.longitude,
    speed_kmh: view.speed_kmh,
    heading_degrees: samePlace ? known.heading_degrees : null,
    driver_id: known?.driver_id,
    fixTime: lastSeen,
    statusTime: lastSeen,
    seenAt: lastSeen,
    quietAfterMs: isNumber(view.no_recent_data_after_seconds) ? view.no_recent_data_after_seconds * 1000 : null,
  };
}
