// The customer tracking page, opened from a tracking link /track/#grant=jt_…: one job's status, ETA and vehicle. The
// link's secret is in the fragment, which browsers never send; it is taken out of the address bar at once and kept in
// this page's memory only, as the dashboard keeps its sign-in token.

import { FleetApi } from '../js/api.js';
import { apiBaseFrom, loadConfig } from '../js/config.js';
import { byId, setAttr, setText } from '../js/dom.js';
import { formatClock, formatDistance, formatEta, isJobEnded, isNumber, jobKindLabel, jobStatusLabel, parseTime, stopText, useTimeZone } from '../js/format.js';
import { RealtimeLink } from '../js/realtime.js';
import { TrackMap } from './track-map.js';

const DEFAULT_CONFIG = { api_base: '', tile_url: null, tile_attribution: '' };
const TOKEN_PREFIX = 'jt_';
const INVALID_LINK = 'This tracking link is not valid or has expired.';
const NO_ETA = '—';
// Without an address the customer checks the coordinates against the map: five decimals, about a metre, place a door.
const ADDRESS_DIGITS = 5;

/** After a failed read while the link is up: the realtime link retries on its own, the read needs its own retry. */
const REFRESH_RETRY_MS = 5000;

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Not live',
};

// Where the tab keeps its grant: the page removes it from the address, so a reload finds it here instead.
const GRANT_KEY = 'fleet.tracking.grant';

/**
 * Reads the grant and removes the fragment, so it is in no bookmark, shared URL or history entry. The tab keeps it in
 * sessionStorage (this tab only, gone when the tab closes), so reloading the page goes on tracking.
 */
function takeGrant() {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('grant');
  if (window.location.hash) {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
  }
  if (fromLink?.startsWith(TOKEN_PREFIX)) {
    sessionStorage.setItem(GRANT_KEY, fromLink);
    return fromLink;
  }
  const kept = sessionStorage.getItem(GRANT_KEY);
  return kept?.startsWith(TOKEN_PREFIX) ? kept : null;
}

class Tracker {
  constructor({ api, config }) {
    this.api = api;
    this.elements = {
      title: byId('track-title'),
      message: byId('track-message'),
      ended: byId('track-ended'),
      facts: byId('track-facts'),
      status: byId('track-status'),
      eta: byId('track-eta'),
      etaRow: byId('track-eta-row'),
      pickup: byId('track-pickup'),
      dropoff: byId('track-dropoff'),
      state: byId('track-state'),
    };
    this.map = new TrackMap(byId('track-map'), config);
    this.jobId = null;
    this.status = null;
    // The shown fix: its vehicle and time, so that a read that predates it does not move the marker back.
    this.shown = null;
    this.etaAt = null;
    this.ended = false;
    this.invalid = false;
    this.loading = false;
    this.loadAgain = false;
    this.queued = [];
    this.retryTimer = 0;
    this.link = new RealtimeLink({
      api,
      onState: (state) => this.showConnectionState(state),
      onEnvelope: (type, envelope) => this.receive(type, envelope),
      // Every (re)connect negotiates again (RealtimeLink) and re-reads the job: messages sent while away are lost.
      onConnected: () => this.refresh(),
      onUnauthorized: () => this.showInvalid(),
      onAttemptFailed: (error) => {
        // An unreachable server is what the connection state says; anything else is worth a developer's look.
        if (error?.status !== 0) {
          console.warn(`Live updates could not connect: ${error?.message}`);
        }
      },
    });
  }

  async start() {
    await this.refresh();
    if (!this.ended && !this.invalid) {
      this.link.start();
    }
  }

  // --- the job as the server has it -----------------------------------------------------------------------------

  /** Reads /api/track; realtime messages arriving meanwhile wait and are applied after it, so it cannot undo them. */
  async refresh() {
    if (this.ended || this.invalid) {
      return;
    }
    if (this.loading) {
      this.loadAgain = true;
      return;
    }
    this.loading = true;
    clearTimeout(this.retryTimer);
    try {
      this.applyView(await this.api.track());
      this.elements.message.hidden = true;
    } catch (error) {
      // 401: unknown or expired link; 403 and 404: it no longer leads to a job. All the same to a customer.
      if ([401, 403, 404].includes(error?.status)) {
        this.showInvalid();
      } else {
        this.showMessage(`The job could not be loaded: ${error?.message || 'unexpected error'}. Trying again…`);
        this.retryTimer = setTimeout(() => this.refresh(), REFRESH_RETRY_MS);
      }
    } finally {
      this.loading = false;
      const queued = this.queued;
      this.queued = [];
      for (const [type, envelope] of queued) {
        this.receive(type, envelope);
      }
    }
    if (this.loadAgain) {
      this.loadAgain = false;
      await this.refresh();
    }
  }

  applyView(view) {
    this.jobId = view.job_id;
    // The arrival is told in the company's time, local to the stops, and names its zone when the reader's differs.
    useTimeZone(view.time_zone);
    setText(this.elements.title, `Your ${jobKindLabel(view.kind).toLowerCase()}`);
    document.title = `${jobKindLabel(view.kind)}: ${jobStatusLabel(view.status).toLowerCase()}`;
    this.elements.facts.hidden = false;
    setText(this.elements.pickup, stopText(view.pickup, ADDRESS_DIGITS));
    setText(this.elements.dropoff, stopText(view.dropoff, ADDRESS_DIGITS));
    this.map.showStop('pickup', view.pickup);
    this.map.showStop('dropoff', view.dropoff);
    this.showStatus(view.status);
    if (view.ended || isJobEnded(view.status)) {
      this.end();
      return;
    }
    if (view.vehicle && isNumber(view.vehicle.latitude) && isNumber(view.vehicle.longitude)) {
      this.showLocation(view.vehicle, true);
    } else {
      // The server shows no vehicle (none assigned yet, or no fix): neither does the page.
      this.hideVehicle();
    }
    if (!this.map.fitted) {
      this.map.fit();
    }
  }

  // --- realtime messages ----------------------------------------------------------------------------------------

  receive(type, envelope) {
    if (this.ended || this.invalid || !envelope || typeof envelope !== 'object' || envelope.data === null || typeof envelope.data !== 'object') {
      return;
    }
    if (this.loading) {
      this.queued.push([type, envelope]);
      return;
    }
    const { data } = envelope;
    switch (type) {
      case 'vehicle_location_update':
        this.applyLocations(data);
        break;
      case 'job_status_update':
        if (this.isThisJob(data.job_id)) {
          this.applyStatusChange(data);
        }
        break;
      case 'job_eta_update':
        if (this.isThisJob(data.job_id)) {
          this.applyEta(data);
        }
        break;
      default:
        // The link's group hears nothing else today; other types are registered only so the client does not warn.
        break;
    }
  }

  isThisJob(jobId) {
    return this.jobId === null || jobId === this.jobId;
  }

  /** The job group carries its vehicle's fixes only; a batch may hold several, and only the newest is shown. */
  applyLocations(locations) {
    if (!Array.isArray(locations)) {
      return;
    }
    const valid = locations.filter((location) => isNumber(location?.latitude) && isNumber(location?.longitude));
    if (valid.length === 0) {
      return;
    }
    const newest = valid.reduce((best, location) => ((parseTime(location.fix_time) ?? 0) >= (parseTime(best.fix_time) ?? 0) ? location : best));
    this.showLocation(newest);
  }

  applyStatusChange(change) {
    if (change.vehicle_id && this.shown && change.vehicle_id !== this.shown.vehicleId) {
      // Given to another vehicle: the old one's position is not this job's any more.
      this.hideVehicle();
    }
    const previous = this.status;
    this.showStatus(change.status);
    if (isJobEnded(change.status)) {
      this.end();
    } else if (change.status !== previous) {
      // The ETA was to the stop just reached (or to one no longer next): wait for the next estimate.
      this.clearEta();
    }
  }

  applyEta(eta) {
    const at = parseTime(eta.at);
    if (at !== null && this.etaAt !== null && at < this.etaAt) {
      return;
    }
    this.etaAt = at;
    const stop = eta.next_stop === 'pickup' ? 'the pickup' : 'the drop-off';
    const distance = isNumber(eta.remaining_meters) ? ` · ${formatDistance(eta.remaining_meters)} to ${stop}` : ` to ${stop}`;
    const arrival = parseTime(eta.eta_at);
    const around = arrival === null ? '' : `, around ${formatClock(arrival, { seconds: false })}`;
    setText(this.elements.eta, `${formatEta(eta.eta_seconds)}${around}${distance}`);
  }

  // --- what the page shows --------------------------------------------------------------------------------------

  showStatus(status) {
    this.status = status;
    setAttr(this.elements.status, 'data-status', status ?? '');
    setText(this.elements.status, jobStatusLabel(status));
  }

  /**
   * Messages are shown as they come: the server sends the job's vehicle's positions in order, and a fix it sends is
   * one it wants shown. Only a read (`fromRead`) gives way to a newer fix already shown here, which it may predate.
   */
  showLocation(location, fromRead = false) {
    const fixTime = parseTime(location.fix_time);
    const shown = this.shown;
    if (fromRead && shown && shown.vehicleId === location.vehicle_id && shown.fixTime !== null && fixTime !== null && fixTime < shown.fixTime) {
      return;
    }
    this.shown = { vehicleId: location.vehicle_id, fixTime };
    this.map.showVehicle(location);
  }

  hideVehicle() {
    this.shown = null;
    this.map.removeVehicle();
  }

  clearEta() {
    this.etaAt = null;
    setText(this.elements.eta, NO_ETA);
  }

  /** The job is over: no vehicle, no ETA, no live link; only the stops and the final status remain. */
  end() {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.stopLive();
    this.elements.etaRow.hidden = true;
    this.elements.ended.hidden = false;
    this.map.fitStops();
  }

  showInvalid() {
    this.invalid = true;
    // A grant the server no longer takes is no use to a reload either.
    sessionStorage.removeItem(GRANT_KEY);
    this.stopLive();
    this.elements.facts.hidden = true;
    this.showMessage(INVALID_LINK);
  }

  /** Whatever could still show the vehicle or an ETA: queued messages, a pending re-read and the realtime link. */
  stopLive() {
    this.queued = [];
    clearTimeout(this.retryTimer);
    this.hideVehicle();
    this.clearEta();
    this.link.stop();
  }

  showMessage(text) {
    setText(this.elements.message, text);
    this.elements.message.hidden = false;
  }

  showConnectionState(state) {
    setAttr(this.elements.state, 'data-state', state);
    setText(this.elements.state.querySelector('.state-text'), CONNECTION_TEXT[state]);
  }
}

async function main() {
  const grant = takeGrant();
  const warn = (text) => console.warn(text);
  const config = await loadConfig('../config.json', DEFAULT_CONFIG, warn);
  if (!grant) {
    setText(byId('track-message'), INVALID_LINK);
    byId('track-message').hidden = false;
    return;
  }
  const api = new FleetApi(apiBaseFrom(config, warn));
  api.token = grant;
  await new Tracker({ api, config }).start();
}

main().catch((error) => {
  console.error('The tracking page failed to start', error);
});
