// The vehicle marker both maps draw: a status letter in a disc and an arrow turned to the heading, so the dispatcher's
// map and a customer's tracking page show a vehicle the same way.

import { el } from './dom.js';

const MARKER_SIZE = 34;

/** A Leaflet icon plus the parts a map updates as the vehicle reports: its heading arrow and its status letter. */
export function vehicleIcon() {
  const heading = el('span', { className: 'marker-heading' }, el('span', { className: 'marker-arrow' }));
  const letter = el('span', { className: 'marker-letter' });
  const content = el('span', { className: 'marker-content', 'aria-hidden': 'true' }, heading, el('span', { className: 'marker-body' }, letter));
  const icon = L.divIcon({
    className: 'vehicle-marker',
    html: content,
    iconSize: [MARKER_SIZE, MARKER_SIZE],
    iconAnchor: [MARKER_SIZE / 2, MARKER_SIZE / 2],
  });
  return { icon, heading, letter };
}
