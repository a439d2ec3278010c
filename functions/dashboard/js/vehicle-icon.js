// The vehicle marker both maps draw: a status letter in a disc and an arrow turned to the heading, so the dispatcher's
// map and a customer's tracking page show a vehicle the same way.

import { el, setAttr, setText } from './dom.js';
import { formatSpeed, isNumber, statusLabel, statusLetter } from './format.js';

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

/**
 * Brings a marker made from vehicleIcon() up to the vehicle's latest report: status, position (data-lat, data-lon),
 * the label a screen reader announces and the arrow's turn. `name` leads the label, as each map names the vehicle.
 * A vehicle gone quiet (`noRecentData`, never set while offline) or offline is not said to go at its last speed.
 */
export function describeVehicleMarker({ element, heading, letter }, vehicle, name) {
  const status = vehicle.status || 'unknown';
  const noRecentData = Boolean(vehicle.noRecentData);
  setAttr(element, 'data-status', status);
  setAttr(element, 'data-no-recent-data', String(noRecentData));
  setAttr(element, 'data-lat', vehicle.latitude);
  setAttr(element, 'data-lon', vehicle.longitude);
  const speed = isNumber(vehicle.speed_kmh) && !noRecentData && status !== 'offline' ? `, ${formatSpeed(vehicle.speed_kmh)}` : '';
  setAttr(element, 'aria-label', `${name}, ${noRecentData ? 'no recent data' : statusLabel(status).toLowerCase()}${speed}`);
  setText(letter, statusLetter(status));
  heading.hidden = !isNumber(vehicle.heading_degrees);
  if (!heading.hidden) {
    heading.style.transform = `rotate(${vehicle.heading_degrees}deg)`;
  }
}
