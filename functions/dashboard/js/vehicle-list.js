// The vehicle list (#vehicle-list): one row per vehicle, updated in place so a busy fleet does not rebuild the list.

import { el, setAttr, setText } from './dom.js';
import { formatAgo, formatDateTime, formatSpeed, isNumber, statusLabel, statusLetter } from './format.js';

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class VehicleList {
  /** @param {{onSelect: (vehicleId: string) => void}} hooks */
  constructor(list, emptyNote, countBadge, hooks) {
    this.list = list;
    this.emptyNote = emptyNote;
    this.countBadge = countBadge;
    this.hooks = hooks;
    this.rows = new Map();
    this.filterText = '';
    this.selectedId = null;
  }

  /** @param {object} vehicle @param {string} driverText */
  show(vehicle, driverText) {
    let row = this.rows.get(vehicle.vehicle_id);
    if (!row) {
      row = this.createRow(vehicle);
    }
    const status = vehicle.status || 'unknown';
    setAttr(row.item, 'data-status', status);
    setAttr(row.badge, 'data-status', status);
    setText(row.letter, statusLetter(status));
    if (row.name.textContent !== vehicle.name) {
      row.name.textContent = vehicle.name;
      this.place(row.item, vehicle.name);
    }
    setText(row.driver, driverText);
    // Gone quiet or offline, the vehicle's last speed is not what it does now: the row says when it was last heard.
    const noRecentData = Boolean(vehicle.noRecentData);
    const quiet = noRecentData || status === 'offline';
    setAttr(row.item, 'data-no-recent-data', String(noRecentData));
    const speed = !isNumber(vehicle.latitude) ? 'No position yet' : quiet ? '' : formatSpeed(vehicle.speed_kmh);
    setText(row.speed, speed);
    row.separator.hidden = speed === '';
    setText(row.status, noRecentData ? 'No recent data' : statusLabel(status));
    row.lastSeenLabel.classList.toggle('visually-hidden', !quiet);
    row.lastSeen = vehicle.seenAt ?? null;
    this.showAge(row, Date.now());
    if (this.applyFilter(row)) {
      this.updateCount();
    }
  }

  createRow(vehicle) {
    const letter = el('span', { 'aria-hidden': 'true' });
    const badge = el('span', { className: 'status-badge' }, letter);
    const name = el('span', { className: 'vehicle-name' });
    const driver = el('span', { className: 'vehicle-driver' });
    const speed = el('span', { className: 'vehicle-speed' });
    const status = el('span', { className: 'vehicle-status' });
    const seen = el('time', { className: 'vehicle-seen' });
    const separator = el('span', { 'aria-hidden': 'true', text: ' · ' });
    const lastSeenLabel = el('span', { className: 'vehicle-last-seen-label visually-hidden', text: 'last seen ' });
    const button = el('button', { type: 'button', className: 'vehicle-button', 'aria-pressed': 'false' },
      badge,
      el('span', { className: 'vehicle-main' }, name, el('span', { className: 'visually-hidden', text: ', driver: ' }), driver),
      el('span', { className: 'vehicle-facts' },
        el('span', {}, speed, separator, el('span', { className: 'visually-hidden', text: ', ' }), status),
        el('span', { className: 'vehicle-last-seen' }, el('span', { className: 'visually-hidden', text: ', ' }), lastSeenLabel, seen)));
    button.addEventListener('click', () => this.hooks.onSelect(vehicle.vehicle_id));
    const item = el('li', { 'data-vehicle-id': vehicle.vehicle_id }, button);
    const row = { item, button, badge, letter, name, driver, speed, separator, status, lastSeenLabel, seen, lastSeen: null };
    this.rows.set(vehicle.vehicle_id, row);
    name.textContent = vehicle.name;
    this.place(item, vehicle.name);
    if (vehicle.vehicle_id === this.selectedId) {
      this.markSelected(row, true);
    }
    this.updateCount();
    return row;
  }

  /** Keeps rows in name order ("Vehicle 2" before "Vehicle 10"), so a row never jumps while the dispatcher reads. */
  place(item, name) {
    const nameOf = (other) => other.querySelector('.vehicle-name').textContent;
    const others = [...this.list.children].filter((other) => other !== item);
    // The snapshot arrives sorted by id, which is mostly name order: appending is the common case.
    const last = others.at(-1);
    if (!last || byName.compare(nameOf(last), name) <= 0) {
      this.list.append(item);
      return;
    }
    this.list.insertBefore(item, others.find((other) => byName.compare(nameOf(other), name) > 0));
  }

  remove(vehicleId) {
    const row = this.rows.get(vehicleId);
    if (row) {
      row.item.remove();
      this.rows.delete(vehicleId);
      this.updateCount();
    }
  }

  select(vehicleId) {
    const previous = this.rows.get(this.selectedId);
    if (previous) {
      this.markSelected(previous, false);
    }
    this.selectedId = vehicleId;
    const current = this.rows.get(vehicleId);
    if (current) {
      this.markSelected(current, true);
    }
  }

  markSelected(row, selected) {
    row.button.setAttribute('aria-pressed', String(selected));
    if (selected) {
      row.item.setAttribute('aria-current', 'true');
    } else {
      row.item.removeAttribute('aria-current');
    }
    if (this.applyFilter(row)) {
      this.updateCount();
    }
  }

  /** "Last seen" is relative, so it goes stale by itself: refreshed on a timer. */
  refreshAges() {
    const now = Date.now();
    for (const row of this.rows.values()) {
      this.showAge(row, now);
    }
  }

  showAge(row, now) {
    setText(row.seen, formatAgo(row.lastSeen, now));
    if (row.lastSeen !== null) {
      setAttr(row.seen, 'datetime', new Date(row.lastSeen).toISOString());
      setAttr(row.seen, 'title', formatDateTime(row.lastSeen));
    }
  }

  filter(text) {
    this.filterText = text.trim().toLocaleLowerCase();
    for (const row of this.rows.values()) {
      this.applyFilter(row);
    }
    this.updateCount();
  }

  /**
   * The selected row stays visible whatever the filter says, so the selection is never out of sight.
   * @returns {boolean} whether the row was shown or hidden by it
   */
  applyFilter(row) {
    const matches = !this.filterText
      || row.name.textContent.toLocaleLowerCase().includes(this.filterText)
      || row.driver.textContent.toLocaleLowerCase().includes(this.filterText);
    const hidden = !matches && row.button.getAttribute('aria-pressed') !== 'true';
    if (row.item.hidden === hidden) {
      return false;
    }
    row.item.hidden = hidden;
    return true;
  }

  updateCount() {
    const shown = [...this.rows.values()].filter((row) => !row.item.hidden).length;
    setText(this.countBadge, shown === this.rows.size ? String(this.rows.size) : `${shown} of ${this.rows.size}`);
    this.emptyNote.hidden = this.rows.size > 0;
  }
}
