// The jobs panel (dispatchers and admins): the newest jobs with their live status, a tracking link to share with the
// customer, assigning a vehicle and driver, and a form for a new job. Rows are updated in place, so a status change
// arriving while the dispatcher works in a row's form leaves the form and its focus alone.

import { el, setAttr, setText } from './dom.js';
import { formatClock, formatDistance, formatEta, isJobEnded, isNumber, jobKindLabel, jobStatusLabel, parseTime, stopText } from './format.js';

const MAX_JOBS = 50;
const COORDINATE_DIGITS = 5;
// A route line is a glance at where a job goes; four decimals (about 10 m) are plenty there.
const ROUTE_DIGITS = 4;

export class JobsPanel {
  /**
   * @param {object} elements `list`, `empty`, `count`, `form` (form#new-job)
   * @param {object} hooks
   * @param {import('./api.js').FleetApi} hooks.api
   * @param {(context: string, error: Error) => void} hooks.failed
   * @param {(text: string) => void} hooks.info
   * @param {() => {vehicle_id: string, name: string}[]} hooks.vehicles
   * @param {() => [string, string][]} hooks.drivers driver id and name
   * @param {(vehicleId: string) => string} hooks.vehicleName
   * @param {(driverId: string) => string} hooks.driverName
   * @param {() => {lat: number, lng: number}} hooks.mapCentre
   */
  constructor(elements, hooks) {
    this.elements = elements;
    this.hooks = hooks;
    this.jobs = new Map();
    this.rows = new Map();
    this.etas = new Map();
    // Job id -> the changes heard while the job, unknown here, is being read.
    this.learning = new Map();
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.createJob();
    });
    // Opening the form is the moment the dispatcher looks at the map: its centre is the likeliest place.
    elements.form.closest('details')?.addEventListener('toggle', (event) => {
      if (event.target.open) {
        this.prefillCoordinates();
      }
    });
  }

  /** The list as read from the API, newest first. */
  setJobs(jobs) {
    this.jobs = new Map(jobs.map((job) => [job.job_id, job]));
    this.render();
  }

  /** A whole job (assignment_new, or an answer to create or assign). */
  upsert(job) {
    if (job?.job_id) {
      this.jobs.set(job.job_id, job);
      this.render();
    }
  }

  /** job_status_update: the company group hears every change, from a job's creation on. */
  applyStatus(change) {
    const job = this.jobs.get(change.job_id);
    if (!job) {
      this.learn(change);
      return;
    }
    this.jobs.set(change.job_id, { ...job, status: change.status, vehicle_id: change.vehicle_id ?? job.vehicle_id, driver_id: change.driver_id ?? job.driver_id });
    if (isJobEnded(change.status) || change.status !== job.status) {
      this.etas.delete(change.job_id);
    }
    this.redescribe(change.job_id);
  }

  /**
   * A job made elsewhere (another dispatcher, another system): the message says what changed, not what the job is, so
   * the job is read. Changes arriving while it is read wait, and those newer than what was read are applied after it.
   */
  async learn(change) {
    const waiting = this.learning.get(change.job_id);
    if (waiting) {
      waiting.push(change);
      return;
    }
    const changes = [change];
    this.learning.set(change.job_id, changes);
    try {
      const job = await this.hooks.api.job(change.job_id);
      // A list read meanwhile may know it already, as recently as this read or more.
      if (!this.jobs.has(job.job_id)) {
        this.upsert(job);
        const readUpTo = parseTime(job.history?.at(-1)?.at) ?? 0;
        for (const later of changes.filter((candidate) => (parseTime(candidate.at) ?? 0) > readUpTo)) {
          this.applyStatus(later);
        }
      }
    } catch (error) {
      this.hooks.failed('Could not read a job changed elsewhere', error);
    } finally {
      this.learning.delete(change.job_id);
    }
  }

  /** job_eta_update: the company group hears every job's ETA, throttled per job. */
  applyEta(eta) {
    const known = this.etas.get(eta.job_id);
    if (known && (parseTime(known.at) ?? 0) > (parseTime(eta.at) ?? 0)) {
      return;
    }
    this.etas.set(eta.job_id, eta);
    this.redescribe(eta.job_id);
  }

  /**
   * Status and ETA messages come often and change neither which jobs are listed nor their order (newest created
   * first), so only the job's own row needs describing again; a job beyond the list has no row.
   */
  redescribe(jobId) {
    const row = this.rows.get(jobId);
    if (row) {
      this.describeRow(row, this.jobs.get(jobId));
    }
  }

  render() {
    const ordered = [...this.jobs.values()]
      .sort((a, b) => (parseTime(b.created_at) ?? 0) - (parseTime(a.created_at) ?? 0))
      .slice(0, MAX_JOBS);
    const kept = new Set(ordered.map((job) => job.job_id));
    for (const [jobId, row] of this.rows) {
      if (!kept.has(jobId)) {
        row.element.remove();
        this.rows.delete(jobId);
      }
    }
    const elements = ordered.map((job) => this.rowOf(job).element);
    // Reordered only when the order changed: moving a row would take the focus out of its form.
    const current = [...this.elements.list.children];
    if (current.length !== elements.length || current.some((element, index) => element !== elements[index])) {
      this.elements.list.replaceChildren(...elements);
    }
    this.elements.empty.hidden = ordered.length > 0;
    setText(this.elements.count, ordered.length > 0 ? `(${ordered.length})` : '');
  }

  rowOf(job) {
    let row = this.rows.get(job.job_id);
    if (!row) {
      row = this.createRow(job.job_id);
      this.rows.set(job.job_id, row);
    }
    this.describeRow(row, job);
    return row;
  }

  createRow(jobId) {
    const row = {
      title: el('span', { className: 'job-title' }),
      status: el('span', { className: 'job-status' }),
      route: el('span', { className: 'job-route' }),
      who: el('span', { className: 'job-who' }),
      eta: el('span', { className: 'job-eta' }),
      share: el('button', { type: 'button', className: 'row-button', 'data-action': 'share', text: 'Share tracking link' }),
      assign: el('button', { type: 'button', className: 'row-button', 'data-action': 'assign', 'aria-expanded': 'false', text: 'Assign' }),
      link: null,
      form: null,
    };
    row.element = el('li', { className: 'job', 'data-job-id': jobId },
      el('div', { className: 'job-head' }, row.title, row.status),
      row.route,
      el('div', { className: 'job-facts' }, row.who, row.eta),
      el('div', { className: 'job-actions' }, row.share, row.assign));
    row.share.addEventListener('click', () => this.share(jobId, row));
    row.assign.addEventListener('click', () => this.toggleAssign(jobId, row));
    return row;
  }

  describeRow(row, job) {
    setAttr(row.element, 'data-status', job.status);
    setAttr(row.status, 'data-status', job.status);
    setText(row.status, jobStatusLabel(job.status));
    const reference = job.customer_reference ? ` · ${job.customer_reference}` : '';
    const scheduled = parseTime(job.scheduled_for);
    const schedule = scheduled === null ? '' : ` · for ${formatClock(scheduled, { seconds: false })}`;
    setText(row.title, `${jobKindLabel(job.kind)}${reference}${schedule}`);
    setText(row.route, `${stopText(job.pickup, ROUTE_DIGITS)} → ${stopText(job.dropoff, ROUTE_DIGITS)}`);
    const vehicle = job.vehicle_id ? this.hooks.vehicleName(job.vehicle_id) : 'No vehicle';
    const driver = job.driver_id ? this.hooks.driverName(job.driver_id) : 'no driver';
    setText(row.who, `${vehicle} · ${driver}`);
    const eta = this.etas.get(job.job_id);
    const arrival = parseTime(eta?.eta_at);
    const around = arrival === null ? '' : `, around ${formatClock(arrival, { seconds: false })}`;
    setText(row.eta, eta ? `ETA ${formatEta(eta.eta_seconds)}${around} (${formatDistance(eta.remaining_meters)} to ${eta.next_stop === 'pickup' ? 'pickup' : 'drop-off'})` : '');
    const ended = isJobEnded(job.status);
    // An ended job has nothing left to follow (the server answers 409) nor to assign.
    row.share.disabled = ended;
    row.assign.disabled = ended;
    if (ended) {
      this.closeAssign(row);
    }
  }

  // --- sharing ------------------------------------------------------------------------------------------------------

  async share(jobId, row) {
    row.share.disabled = true;
    try {
      const { tracking_url: url } = await this.hooks.api.shareJob(jobId);
      this.showLink(jobId, row, url);
      let copied = false;
      if (navigator.clipboard && window.isSecureContext) {
        try {
          await navigator.clipboard.writeText(url);
          copied = true;
        } catch {
          // No permission or no focus: the field below is there to copy by hand.
        }
      }
      this.hooks.info(copied ? 'Tracking link copied to the clipboard.' : 'Tracking link ready: copy it from the field under the job.');
    } catch (error) {
      this.hooks.failed('Could not share the job', error);
    } finally {
      row.share.disabled = isJobEnded(this.jobs.get(jobId)?.status);
    }
  }

  showLink(jobId, row, url) {
    if (!row.link) {
      const id = `job-link-${cssSafe(jobId)}`;
      row.linkInput = el('input', { id, type: 'text', readonly: true, className: 'job-link-input', spellcheck: 'false' });
      row.linkInput.addEventListener('focus', () => row.linkInput.select());
      row.link = el('div', { className: 'job-link' }, el('label', { for: id, text: 'Tracking link' }), row.linkInput);
      row.element.append(row.link);
    }
    row.linkInput.value = url;
    row.linkInput.focus();
  }

  // --- assigning ----------------------------------------------------------------------------------------------------

  toggleAssign(jobId, row) {
    if (row.form) {
      this.closeAssign(row);
      row.assign.focus();
      return;
    }
    const job = this.jobs.get(jobId);
    const suffix = cssSafe(jobId);
    const vehicleSelect = el('select', { id: `assign-vehicle-${suffix}`, name: 'vehicle_id', required: true },
      el('option', { value: '', text: 'Choose a vehicle' }),
      ...this.hooks.vehicles().map((vehicle) => el('option', { value: vehicle.vehicle_id, text: vehicle.name || vehicle.vehicle_id, selected: vehicle.vehicle_id === job?.vehicle_id })));
    const driverSelect = el('select', { id: `assign-driver-${suffix}`, name: 'driver_id' },
      el('option', { value: '', text: 'No driver' }),
      ...this.hooks.drivers().map(([driverId, name]) => el('option', { value: driverId, text: name || driverId, selected: driverId === job?.driver_id })));
    const submit = el('button', { type: 'submit', className: 'button-primary', text: 'Assign' });
    const cancel = el('button', { type: 'button', className: 'row-button', text: 'Cancel' });
    row.form = el('form', { className: 'job-assign', 'aria-label': 'Assign the job' },
      el('label', { for: vehicleSelect.id, text: 'Vehicle' }), vehicleSelect,
      el('label', { for: driverSelect.id, text: 'Driver' }), driverSelect,
      el('div', { className: 'job-actions' }, submit, cancel));
    cancel.addEventListener('click', () => {
      this.closeAssign(row);
      row.assign.focus();
    });
    row.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const job = await this.hooks.api.assignJob(jobId, vehicleSelect.value, driverSelect.value || null);
        this.closeAssign(row);
        this.upsert(job);
        row.assign.focus();
      } catch (error) {
        this.hooks.failed('Could not assign the job', error);
        submit.disabled = false;
      }
    });
    row.element.append(row.form);
    setAttr(row.assign, 'aria-expanded', 'true');
    vehicleSelect.focus();
  }

  closeAssign(row) {
    if (row.form) {
      row.form.remove();
      row.form = null;
      setAttr(row.assign, 'aria-expanded', 'false');
    }
  }

  // --- a new job ----------------------------------------------------------------------------------------------------

  /**
   * The pickup starts at the map's centre. The drop-off is left for the dispatcher to give: the same point for both
   * would be a job that arrives everywhere at once, which the API refuses.
   */
  prefillCoordinates() {
    const form = this.elements.form;
    const centre = this.hooks.mapCentre();
    const latitude = form.elements.pickup_latitude;
    const longitude = form.elements.pickup_longitude;
    // Only empty fields: what the dispatcher typed stays.
    if (!latitude.value && !longitude.value && isNumber(centre?.lat) && isNumber(centre?.lng)) {
      latitude.value = centre.lat.toFixed(COORDINATE_DIGITS);
      longitude.value = centre.lng.toFixed(COORDINATE_DIGITS);
    }
  }

  async createJob() {
    const form = this.elements.form;
    const value = (name) => form.elements[name].value.trim();
    const stop = (prefix) => ({
      latitude: Number(value(`${prefix}_latitude`)),
      longitude: Number(value(`${prefix}_longitude`)),
      address: value(`${prefix}_address`) || null,
    });
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const job = await this.hooks.api.createJob({
        kind: value('kind'),
        pickup: stop('pickup'),
        dropoff: stop('dropoff'),
        customer_reference: value('customer_reference') || null,
      });
      this.upsert(job);
      form.reset();
      this.hooks.info(`${jobKindLabel(job.kind)} created.`);
    } catch (error) {
      this.hooks.failed('Could not create the job', error);
    } finally {
      submit.disabled = false;
    }
  }
}

/** Job ids are the server's, but an element id should not depend on what characters they hold. */
function cssSafe(id) {
  return String(id).replace(/[^A-Za-z0-9_-]/g, '_');
}
