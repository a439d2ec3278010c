// The followed vehicle's trail as its fixes arrive: segments of contiguous fixes, broken where fixes are missing (a
// silence of a few report intervals, or whatever was sent while the page was disconnected), so that the map never
// draws a road across a stretch the vehicle was not seen on.

import { isNumber, parseTime } from './format.js';

// As many missed reports as make a vehicle offline (DESIGN 5).
const MISSED_REPORTS_FOR_GAP = 3;
// The server's default expected report interval (rules.offline), for a vehicle whose own is not known here.
const DEFAULT_REPORT_INTERVAL_SECONDS = 30;

export class FollowTrail {
  /** @param {import('./fleet-map.js').FleetMap} map */
  constructor(map) {
    this.map = map;
    // The newest fix on the trail: an older one (a device flushing its buffer) is history, not where it drove next.
    this.until = null;
    this.gapMs = 0;
  }

  /** A new trail, from where the vehicle is now. */
  start(vehicle) {
    this.map.startTrail(vehicle.latitude, vehicle.longitude);
    this.until = vehicle.fixTime;
    const interval = vehicle.expected_report_interval_seconds;
    this.gapMs = MISSED_REPORTS_FOR_GAP * 1000 * (isNumber(interval) ? interval : DEFAULT_REPORT_INTERVAL_SECONDS);
  }

  /** Fixes this page did not receive lie between the trail's end and its next fix. */
  interrupt() {
    this.map.breakTrail();
  }

  /** @param {object[]} positions the vehicle's fixes, oldest first */
  extend(positions) {
    let run = [];
    for (const position of positions) {
      const time = parseTime(position.fix_time);
      if (this.until !== null && (time ?? 0) <= this.until) {
        continue;
      }
      if (this.until !== null && time - this.until > this.gapMs) {
        this.map.extendTrail(run);
        this.map.breakTrail();
        run = [];
      }
      run.push([position.latitude, position.longitude]);
      this.until = time;
    }
    this.map.extendTrail(run);
  }
}
