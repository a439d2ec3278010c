// Formatting in the reader's locale, and times in the company's time zone; a missing value is shown as an en dash, never
// as "NaN" or "null".

const MISSING = '–';

const STATUS_LABELS = {
  moving: 'Moving',
  idle: 'Idle',
  stopped: 'Stopped',
  online: 'Online',
  offline: 'Offline',
};

// A letter on the marker and in the list, so status is never told by colour alone.
const STATUS_LETTERS = { moving: 'M', idle: 'I', stopped: 'S', online: 'O', offline: '×' };

const SEVERITY_LABELS = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

// The words a customer and a dispatcher read for a job's status code.
const JOB_STATUS_LABELS = {
  created: 'Received',
  assigned: 'Driver assigned',
  en_route: 'On the way',
  arrived: 'Arrived',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

const JOB_KIND_LABELS = { delivery: 'Delivery', ride: 'Ride', shipment: 'Shipment' };

const TRIP_STATUS_LABELS = { started: 'In progress', completed: 'Completed', cancelled: 'Cancelled' };

export function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

export function formatNumber(value, fractionDigits) {
  if (!isNumber(value)) {
    return MISSING;
  }
  return value.toLocaleString(undefined, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

export function formatWithUnit(value, fractionDigits, unit) {
  return isNumber(value) ? `${formatNumber(value, fractionDigits)} ${unit}` : MISSING;
}

export function formatSpeed(kmh) {
  return formatWithUnit(kmh, 0, 'km/h');
}

export function formatDuration(seconds) {
  if (!isNumber(seconds)) {
    return MISSING;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function parseTime(iso) {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? null : time;
}

/** "12 s ago", "5 min ago", ...; a device clock slightly ahead of ours reads as "now", not as the future. */
export function formatAgo(time, now = Date.now()) {
  if (time === null) {
    return 'never';
  }
  const seconds = Math.max(0, Math.floor((now - time) / 1000));
  if (seconds < 1) {
    return 'now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86400)} d ago`;
}

// The zone every time and "today" is told in: the company's (an IANA id from the API), so a dispatcher abroad reads the
// times its drivers and customers live by. Undefined until a page names one: the browser's own zone.
let timeZone;

/**
 * Shows every time from now on in `zone`, the company's IANA time zone. Without one, or with one this browser does not
 * know, times are in the browser's own zone.
 * @returns {boolean} false when the zone is one this browser does not know
 */
export function useTimeZone(zone) {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone || undefined });
  } catch {
    timeZone = undefined;
    return false;
  }
  timeZone = zone || undefined;
  return true;
}

// One calendar day, in a form two days compare by.
const DAY_OPTIONS = { year: 'numeric', month: '2-digit', day: '2-digit' };

function dayOf(time, zone) {
  return new Date(time).toLocaleDateString('en-CA', { ...DAY_OPTIONS, timeZone: zone });
}

/**
 * Whether the reader's own clock shows another time than the company's at `time`: only then does a clock time need its
 * zone beside it, or a dispatcher abroad would take it for their own.
 */
function zoneDiffers(time) {
  const wall = { ...DAY_OPTIONS, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return timeZone !== undefined
    && new Date(time).toLocaleString('en-CA', { ...wall, timeZone }) !== new Date(time).toLocaleString('en-CA', wall);
}

/**
 * Time of day in the company's zone, with the date only when it is not the company's today, and the zone's short name
 * when the reader's clock differs: what a dispatcher needs to place an event. `seconds: false` for estimates.
 */
export function formatClock(time, { seconds = true } = {}) {
  if (time === null) {
    return MISSING;
  }
  const date = new Date(time);
  const clock = date.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    timeZone,
    timeZoneName: zoneDiffers(time) ? 'short' : undefined,
  });
  if (dayOf(time, timeZone) === dayOf(Date.now(), timeZone)) {
    return clock;
  }
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone })} ${clock}`;
}

/** Date and time in the company's zone, always naming the zone: for tooltips, where there is room to be exact. */
export function formatDateTime(time) {
  return time === null ? '' : new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long', timeZone });
}

/** "Thu 21 Nov · Asia/Taipei (GMT+8)": the company's today and zone, which every time and "today" on the page is in. */
export function formatCompanyDay(now = Date.now()) {
  const day = new Date(now).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
  const offset = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(now).find((part) => part.type === 'timeZoneName')?.value;
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${day} · ${zone}${offset ? ` (${offset})` : ''}`;
}

export function statusLabel(status) {
  return STATUS_LABELS[status] ?? 'Unknown';
}

export function statusLetter(status) {
  return STATUS_LETTERS[status] ?? '?';
}

export function severityLabel(severity) {
  return SEVERITY_LABELS[severity] ?? 'Unknown';
}

export function tripStatusLabel(status) {
  return TRIP_STATUS_LABELS[status] ?? 'Unknown';
}

export function jobStatusLabel(status) {
  return JOB_STATUS_LABELS[status] ?? 'Unknown';
}

export function jobKindLabel(kind) {
  return JOB_KIND_LABELS[kind] ?? 'Job';
}

/** A job that is over: its vehicle is no longer anyone's business on a tracking link. */
export function isJobEnded(status) {
  return status === 'completed' || status === 'cancelled';
}

/** "about 7 min": an ETA is an estimate, so it is never shown to the second. */
export function formatEta(seconds) {
  if (!isNumber(seconds)) {
    return MISSING;
  }
  if (seconds < 60) {
    return 'less than a minute';
  }
  return `about ${formatDuration(seconds)}`;
}

/** Metres to the nearest ten below a kilometre, else kilometres with one decimal. */
export function formatDistance(meters) {
  if (!isNumber(meters)) {
    return MISSING;
  }
  return meters < 1000 ? `${formatNumber(Math.round(meters / 10) * 10, 0)} m` : formatWithUnit(meters / 1000, 1, 'km');
}

/** A stop as its address, or else its coordinates: without an address they are all a reader can check on the map. */
export function stopText(stop, digits) {
  if (!stop) {
    return MISSING;
  }
  if (stop.address) {
    return stop.address;
  }
  return isNumber(stop.latitude) && isNumber(stop.longitude) ? `${stop.latitude.toFixed(digits)}, ${stop.longitude.toFixed(digits)}` : MISSING;
}
