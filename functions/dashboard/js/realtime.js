// The realtime link (Azure SignalR Service, serverless): negotiate with the API, connect to the URL it returns, and
// reconnect with our own loop, because every attempt must negotiate again: the client token it returns expires.

import { ApiError } from './api.js';

/** Every SignalR target the server sends (DESIGN 3.2); a target without a handler makes the client log a warning. */
const MESSAGE_TYPES = [
  'vehicle_location_update',
  'vehicle_status_update',
  'trip_update',
  'alert',
  'alert_read',
  'alert_deleted',
  'fleet_dashboard_update',
  'driver_event_update',
  'geofence_violation_update',
  'maintenance_alert_update',
  'assignment_new',
  'job_status_update',
  'job_eta_update',
  'config_changed',
];

const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10_000];
const STEADY_RETRY_DELAY_MS = 30_000;

// The SignalR client reports a dropped connection as an error; here that is an expected event, shown as
// "Reconnecting…" and handled by the loop below, so its messages are kept as warnings and the console's errors stay
// for faults in the page itself. A URL in a message may carry the client's access token: tokens never reach a log.
const clientLog = {
  log(level, message) {
    if (level >= signalR.LogLevel.Warning) {
      console.warn(`SignalR: ${String(message).replace(/(access_token=)[^&\s'"]+/gi, '$1[redacted]')}`);
    }
  },
};

/** Spread so that a restarted server is not hit by every dashboard in the same instant. */
function retryDelay(failures) {
  const base = RETRY_DELAYS_MS[failures] ?? STEADY_RETRY_DELAY_MS;
  return base + Math.random() * (250 + base * 0.2);
}

function isUnauthorized(error) {
  return error instanceof ApiError && error.status === 401;
}

export class RealtimeLink {
  /**
   * @param {object} hooks
   * @param {import('./api.js').FleetApi} hooks.api
   * @param {(state: string) => void} hooks.onState connecting | connected | reconnecting | disconnected
   * @param {(type: string, envelope: object) => void} hooks.onEnvelope
   * @param {() => void} hooks.onConnected after every successful (re)connect
   * @param {(error: ApiError) => void} hooks.onUnauthorized negotiate refused the user's token
   * @param {(error: Error) => void} hooks.onAttemptFailed
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.running = false;
    // Moved on by every start and stop: an attempt still in flight from an earlier run (a negotiate or a start that
    // answers late) sees that it is stale and gives up, instead of connecting alongside the current run.
    this.generation = 0;
    this.connection = null;
    this.wake = null;
  }

  start() {
    if (!this.running) {
      this.running = true;
      this.loop(++this.generation);
    }
  }

  async stop() {
    this.running = false;
    this.generation++;
    this.wake?.();
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      await connection.stop();
    }
    this.hooks.onState('disconnected');
  }

  /** Cuts a wait between attempts short (the browser came back online, or the user asked); no-op during an attempt. */
  retryNow() {
    this.wake?.();
  }

  async loop(generation) {
    const isCurrent = () => this.generation === generation;
    let failures = 0;
    this.hooks.onState('connecting');
    while (isCurrent()) {
      let closed = null;
      try {
        closed = await this.connect(isCurrent);
      } catch (error) {
        if (!isCurrent()) {
          return;
        }
        this.connection = null;
        if (isUnauthorized(error)) {
          this.running = false;
          this.generation++;
          this.hooks.onState('disconnected');
          this.hooks.onUnauthorized(error);
          return;
        }
        this.hooks.onAttemptFailed(error);
      }
      if (!isCurrent()) {
        return;
      }
      if (closed) {
        failures = 0;
        this.hooks.onState('connected');
        this.hooks.onConnected();
        await closed.promise;
        if (!isCurrent()) {
          return;
        }
        this.connection = null;
      }
      this.hooks.onState('reconnecting');
      await this.pause(retryDelay(failures++));
    }
  }

  /**
   * One attempt: negotiate, a new connection, start. Answers `{promise}` settling when that connection ends (wrapped:
   * an async function returning the promise itself would wait for it), or null when the run was stopped meanwhile.
   */
  async connect(isCurrent) {
    const negotiated = await this.hooks.api.negotiate();
    if (!isCurrent()) {
      return null;
    }
    if (!negotiated?.url || !negotiated?.accessToken) {
      throw new Error('negotiate answered without a url and an accessToken');
    }
    const { accessToken } = negotiated;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(negotiated.url, { accessTokenFactory: () => accessToken })
      .configureLogging(clientLog)
      .build();
    for (const type of MESSAGE_TYPES) {
      connection.on(type, (envelope) => this.hooks.onEnvelope(type, envelope));
    }
    const closed = new Promise((resolve) => connection.onclose(resolve));
    // Published before start, so that stop() during the start stops this connection too.
    this.connection = connection;
    await connection.start();
    if (!isCurrent()) {
      await connection.stop();
      return null;
    }
    return { promise: closed };
  }

  pause(milliseconds) {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.wake === wake) {
          this.wake = null;
        }
        resolve();
      };
      const timer = setTimeout(wake, milliseconds);
      this.wake = wake;
    });
  }
}

/** How long a gap in `seq` may stay open before it counts as a lost message (DESIGN 3.2: publishers may reorder). */
const REORDER_WINDOW_MS = 2000;

/** More missing numbers than this is not reordering: re-fetch at once instead of tracking them. */
const MAX_TRACKED_GAP = 200;

/**
 * Tracks the company group's `seq`: duplicates are dropped, and a gap that is not filled within the reordering window
 * calls `onLost` (the caller re-fetches its snapshot). Messages without a seq (vehicle and user groups) always pass.
 */
export class SequenceTracker {
  constructor(onLost) {
    this.onLost = onLost;
    this.last = null;
    // seq -> when it went missing; inserted in time order, so the first entry is the oldest gap.
    this.missing = new Map();
    this.timer = null;
  }

  /** Forget the baseline: after a (re)connect or a re-fetch the next message starts a new one. */
  reset() {
    this.last = null;
    this.missing.clear();
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** @returns {boolean} whether the message is new and should be applied */
  admit(seq) {
    if (typeof seq !== 'number') {
      return true;
    }
    if (this.last === null) {
      this.last = seq;
      return true;
    }
    if (seq <= this.last) {
      // Either a late message filling a gap, or one already seen.
      return this.missing.delete(seq);
    }
    const gap = seq - this.last - 1;
    this.last = seq;
    if (gap > MAX_TRACKED_GAP) {
      this.lost();
      return true;
    }
    const now = performance.now();
    for (let missing = seq - gap; missing < seq; missing++) {
      this.missing.set(missing, now);
    }
    this.watchOldestGap();
    return true;
  }

  /** Each gap gets its whole window: one opened just before an older gap's window closes is not judged with it. */
  watchOldestGap() {
    if (this.timer !== null || this.missing.size === 0) {
      return;
    }
    const openedAt = this.missing.values().next().value;
    this.timer = setTimeout(() => {
      this.timer = null;
      const oldest = this.missing.values().next().value;
      if (oldest !== undefined && performance.now() - oldest >= REORDER_WINDOW_MS) {
        this.lost();
      } else {
        this.watchOldestGap();
      }
    }, Math.max(0, openedAt + REORDER_WINDOW_MS - performance.now()));
  }

  lost() {
    this.reset();
    this.onLost();
  }
}
