// The tracking page's map: the job's pickup and drop-off, and its vehicle while the job is under way. Nothing on it is
// interactive but the map itself: a customer has nothing to choose, only something to watch.

import { el, setAttr } from '../js/dom.js';
import { isNumber } from '../js/format.js';
import { MarkerGlide } from '../js/marker-glide.js';
import { describeVehicleMarker, vehicleIcon } from '../js/vehicle-icon.js';

const STOP_SIZE = 24;
const STREET_ZOOM = 15;
const FIT_PADDING = [40, 40];

const STOPS = {
  pickup: { letter: 'P', label: 'Pickup' },
  dropoff: { letter: 'D', label: 'Drop-off' },
};

export class TrackMap {
  /**
   * @param {HTMLElement} container
   * @param {{tile_url: string|null, tile_attribution: string}} config
   */
  constructor(container, config) {
    this.map = L.map(container, { zoomSnap: 0.5 }).setView([20, 0], 2);
    // No tile layer unless configured: without internet every tile would be a failed request and a console error.
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(this.map);
    }
    this.stops = new Map();
    this.vehicle = null;
    this.glide = new MarkerGlide();
    this.fitted = false;
    // Once the customer pans (mouse, touch or arrow keys: programmatic moves fire no dragstart), the map stops moving
    // itself to keep the vehicle in view.
    this.userMoved = false;
    this.map.on('dragstart', () => {
      this.userMoved = true;
    });
    container.addEventListener('keydown', (event) => {
      if (event.target === container && event.key.startsWith('Arrow')) {
        this.userMoved = true;
      }
    });
  }

  /** @param {'pickup'|'dropoff'} kind @param {{latitude: number, longitude: number, address: string|null}} stop */
  showStop(kind, stop) {
    const known = this.stops.get(kind);
    if (!stop || !isNumber(stop.latitude) || !isNumber(stop.longitude)) {
      if (known) {
        known.remove();
        this.stops.delete(kind);
      }
      return;
    }
    const { letter, label } = STOPS[kind];
    const text = stop.address ? `${label}: ${stop.address}` : label;
    if (known) {
      known.setLatLng([stop.latitude, stop.longitude]);
      setAttr(known.getElement(), 'aria-label', text);
      return;
    }
    const icon = L.divIcon({
      className: 'stop-marker',
      html: el('span', { className: 'stop-body', 'aria-hidden': 'true', text: letter }),
      iconSize: [STOP_SIZE, STOP_SIZE],
      iconAnchor: [STOP_SIZE / 2, STOP_SIZE / 2],
    });
    const marker = L.marker([stop.latitude, stop.longitude], { icon, interactive: false, keyboard: false }).addTo(this.map);
    const element = marker.getElement();
    element.dataset.stop = kind;
    element.setAttribute('role', 'img');
    element.setAttribute('aria-label', text);
    this.stops.set(kind, marker);
  }

  /** Shows or moves the vehicle: one marker gliding to the newest fix, which its element carries (data-lat, data-lon). */
  showVehicle(location) {
    const target = L.latLng(location.latitude, location.longitude);
    if (!this.vehicle) {
      const { icon, heading, letter } = vehicleIcon();
      const marker = L.marker(target, { icon, interactive: false, keyboard: false, zIndexOffset: 1000 }).addTo(this.map);
      const element = marker.getElement();
      element.setAttribute('role', 'img');
      this.vehicle = { marker, element, heading, letter };
    } else {
      this.glide.move('vehicle', this.vehicle.marker, target);
    }
    setAttr(this.vehicle.element, 'data-vehicle-id', location.vehicle_id ?? '');
    describeVehicleMarker(this.vehicle, location, 'Your vehicle');
    this.keepInView(target);
  }

  /** Takes the vehicle off the map entirely: after the job nothing may tell where it is. */
  removeVehicle() {
    if (this.vehicle) {
      this.glide.stop('vehicle');
      this.vehicle.marker.remove();
      this.vehicle = null;
    }
  }

  /** The first view holds the stops and the vehicle; later ones are the customer's, or follow the vehicle out of view. */
  fit() {
    const points = [...this.stops.values()].map((marker) => marker.getLatLng());
    if (this.vehicle) {
      points.push(this.vehicle.marker.getLatLng());
    }
    if (points.length === 0) {
      return;
    }
    this.fitted = true;
    // The summary above the map grows and shrinks (facts shown, ETA hidden, the ended notice): Leaflet notices window
    // resizes only, and would fit to the size it had.
    this.map.invalidateSize();
    if (points.length === 1) {
      this.map.setView(points[0], STREET_ZOOM);
    } else {
      this.map.fitBounds(L.latLngBounds(points), { padding: FIT_PADDING, maxZoom: STREET_ZOOM });
    }
  }

  /** Back to the stops only, away from where the vehicle was last shown. */
  fitStops() {
    this.userMoved = false;
    this.fit();
  }

  keepInView(target) {
    if (!this.fitted) {
      this.fit();
    } else if (!this.userMoved && !this.map.getBounds().pad(-0.1).contains(target)) {
      this.map.panTo(target);
    }
  }
}
