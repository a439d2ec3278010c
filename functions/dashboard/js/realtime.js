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
];

const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10_000];

// The SignalR client reports a dropped connection as an error; here that is an expected event, shown as
// "Reconnecting…" and handled by the loop below, so its messages are kept as warnings and the console's errors stay
// for faults in the page itself.
const clientLog = {
  log(level, message) {
    if (level >= signalR.LogLevel.Warning) {
      console.warn(`SignalR: ${message}`);
    }
  },
};
const STEADY_RETRY_DELAY_MS = 30_000;

/** Spread so that a restarted server is not hit by every dashboard in the same instant. */
function retryDelay(attempt) {
  const base = RETRY_DELAYS_MS[attempt] ?? STEADY_RETRY_DELAY_MS;
  return base + Math.random() * (250 + base * 0.2);
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
    this.connection = null;
    this.wake = null;
  }

  start() {
    if (!this.running) {
      this.running = true;
      this.run();
    }
  }

  async stop() {
    this.running = false;
    this.wake?.();
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      await connection.stop();
    }
    this.hooks.onState('disconnected');
  }

  /** Cuts a wait between attempts short (the browser came back online, or the user asked). */
  retryNow() {
    this.wake?.();
  }

  async run() {
    let retries = 0;
    let everConnected = false;
    let first = true;
    while (this.running) {
      if (!first) {
        await this.pause(retryDelay(retries));
        retries++;
        if (!this.running) {
          return;
        }
      }
      first = false;
      this.hooks.onState(everConnected || retries > 0 ? 'reconnecting' : 'connecting');
      try {
        const { closed } = await this.connect();
        if (!this.running) {
          return;
        }
        everConnected = true;
        retries = 0;
        this.hooks.onState('connected');
        this.hooks.onConnected();
        await closed;
      } catch (error) {
        if (!this.running) {
          return;
        }
        if (error instanceof ApiError && error.status === 401) {
          this.running = false;
          this.connection = null;
          this.hooks.onState('disconnected');
          this.hooks.onUnauthorized(error);
          return;
        }
        this.hooks.onAttemptFailed(error);
      }
      this.connection = null;
      if (this.running) {
        this.hooks.onState('reconnecting');
      }
    }
  }

  /** One attempt: negotiate, a new connection, start. `closed` settles when that connection ends. */
  async connect() {
    const negotiated = await this.hooks.api.negotiate();
    if (!negotiated?.url || !negotiated?.accessToken) {
      throw new Error('negotiate answered without a url and an accessToken');
    }
    const accessToken = negotiated.accessToken;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(negotiated.url, { accessTokenFactory: () => accessToken })
      .configureLogging(clientLog)
      .build();
    for (const type of MESSAGE_TYPES) {
      connection.on(type, (envelope) => this.hooks.onEnvelope(type, envelope));
    }
    const closed = new Promise((resolve) => connection.onclose(resolve));
    this.connection = connection;
    await connection.start();
    if (!this.running) {
      await connection.stop();
    }
    // Wrapped: an async function returning the promise itself would wait for it.
    return { closed };
  }

  pause(milliseconds) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, milliseconds);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
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
    this.missing = new Set();
    this.timer = null;
  }

  /** Forget the baseline: after a (re)connect the next message starts a new one. */
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
    if (seq - this.last - 1 > MAX_TRACKED_GAP) {
      this.last = seq;
      this.lost();
      return true;
    }
    for (let missing = this.last + 1; missing < seq; missing++) {
      this.missing.add(missing);
    }
    this.last = seq;
    if (this.missing.size > 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.missing.size > 0) {
          this.lost();
        }
      }, REORDER_WINDOW_MS);
    }
    return true;
  }

  lost() {
    this.missing.clear();
    clearTimeout(this.timer);
    this.timer = null;
    this.onLost();
  }
}
