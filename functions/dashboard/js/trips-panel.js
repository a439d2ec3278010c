// The trips of the selected vehicle (#trips); choosing one asks for its path on the map.

import { el, setText } from './dom.js';
import { formatClock, formatDuration, formatSpeed, formatWithUnit, parseTime, tripStatusLabel } from './format.js';

export class TripsPanel {
  /** @param {{onShowTrip: (trip: object) => void}} hooks */
  constructor(list, note, caption, hooks) {
    this.list = list;
    this.note = note;
    this.caption = caption;
    this.hooks = hooks;
    this.shownTripId = null;
    /** @type {Map<HTMLElement, object>} the rows of trips under way, whose duration the clock advances */
    this.open = new Map();
  }

  /** Nothing selected, loading, or unavailable: a note instead of a list. */
  showNote(text, caption = '') {
    this.open.clear();
    this.list.replaceChildren();
    setText(this.caption, caption);
    setText(this.note, text);
    this.note.hidden = false;
  }

  /** @param {object[]} trips newest first @param {string} vehicleName */
  render(trips, vehicleName) {
    setText(this.caption, vehicleName);
    const focusedTripId = document.activeElement?.closest?.('#trips li[data-trip-id]')?.dataset.tripId;
    this.open.clear();
    this.list.replaceChildren(...trips.map((trip) => this.itemOf(trip)));
    this.note.hidden = trips.length > 0;
    setText(this.note, trips.length > 0 ? '' : 'No trips in the last 24 hours.');
    if (focusedTripId) {
      this.list.querySelector(`li[data-trip-id="${CSS.escape(focusedTripId)}"] button`)?.focus();
    }
  }

  itemOf(trip) {
    const start = parseTime(trip.start_time);
    const end = parseTime(trip.end_time);
    const span = `${formatClock(start)} – ${trip.status === 'started' ? 'now' : formatClock(end)}`;
    const button = el('button', { type: 'button', className: 'trip-button', 'aria-pressed': String(trip.trip_id === this.shownTripId) },
      el('span', { className: 'trip-span', text: span }),
      el('span', { className: 'trip-status', 'data-status': trip.status, text: tripStatusLabel(trip.status) }),
      el('span', { className: 'trip-facts', text: factsOf(trip) }));
    button.addEventListener('click', () => this.hooks.onShowTrip(trip));
    const item = el('li', { 'data-trip-id': trip.trip_id, 'data-status': trip.status }, button);
    if (trip.status === 'started') {
      this.open.set(item, trip);
    }
    return item;
  }

  /** A trip under way lasts longer every second, between the half-minute updates of its distance and top speed. */
  refreshOpenTrips() {
    for (const [item, trip] of this.open) {
      if (item.isConnected) {
        setText(item.querySelector('.trip-facts'), factsOf(trip));
      } else {
        this.open.delete(item);
      }
    }
  }

  markShown(tripId) {
    this.shownTripId = tripId;
    for (const item of this.list.children) {
      item.querySelector('button').setAttribute('aria-pressed', String(item.dataset.tripId === tripId));
    }
  }
}

/** A finished trip's own duration; a trip under way lasts until now (its duration_seconds is as of its newest fix). */
function factsOf(trip) {
  const start = parseTime(trip.start_time);
  const seconds = trip.status === 'started' ? (start === null ? null : Math.max(0, (Date.now() - start) / 1000)) : trip.duration_seconds;
  return [
    formatWithUnit(trip.distance_km, 1, 'km'),
    formatDuration(seconds),
    `max ${formatSpeed(trip.max_speed_kmh)}`,
  ].join(' · ');
}
