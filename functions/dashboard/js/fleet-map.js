// The Leaflet map: one marker per vehicle, geofences, the followed vehicle's trail and a trip's path.

import { el } from './dom.js';
import { isNumber } from './format.js';
import { GLIDE_MS, MarkerGlide } from './marker-glide.js';
import { describeVehicleMarker, vehicleIcon } from './vehicle-icon.js';

const FOCUS_ZOOM = 15;
const MAX_TRAIL_POINTS = 2000;
const EARTH_CIRCUMFERENCE_METERS = 40_075_016.686;

export class FleetMap {
  /**
   * @param {HTMLElement} container
   * @param {{tile_url: string|null, tile_attribution: string}} config
   * @param {{onVehicleClick: (vehicleId: string) => void, onUserPan: () => void}} hooks
   */
  constructor(container, config, hooks) {
    this.hooks = hooks;
    this.map = L.map(container, { worldCopyJump: true, zoomSnap: 0.5 }).setView([20, 0], 2);
    // No tile layer unless configured: without internet every tile would be a failed request and a console error.
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(this.map);
    }
    this.geofenceLayer = L.layerGroup().addTo(this.map);
    this.tripLayer = L.layerGroup().addTo(this.map);
    this.markerLayer = L.layerGroup().addTo(this.map);
    this.markers = new Map();
    // Fence id -> what is drawn for it.
    this.fences = new Map();
    this.trail = null;
    this.tripPath = null;
    this.selectedId = null;
    this.glide = new MarkerGlide();

    this.map.on('dragstart', () => this.hooks.onUserPan());
    // Leaflet's arrow-key panning of the focused map fires no dragstart, and it is the keyboard's way to look elsewhere.
    container.addEventListener('keydown', (event) => {
      if (event.target === container && event.key.startsWith('Arrow')) {
        this.hooks.onUserPan();
      }
    });
    this.map.on('zoomend', () => this.resizeCorridors());
  }

  /** Leaflet notices window resizes, not its container growing because a panel beside it was hidden. */
  /** Leaflet's own listeners (window resize among them) go with the map. */
  remove() {
    this.map.remove();
  }

  refreshSize() {
    this.map.invalidateSize();
  }

  // --- vehicles -------------------------------------------------------------------------------------------------

  /** Shows or moves a vehicle's marker; a vehicle without a position has none. */
  showVehicle(vehicle) {
    if (!isNumber(vehicle.latitude) || !isNumber(vehicle.longitude)) {
      this.removeVehicle(vehicle.vehicle_id);
      return;
    }
    const target = L.latLng(vehicle.latitude, vehicle.longitude);
    let entry = this.markers.get(vehicle.vehicle_id);
    if (entry) {
      this.glide.move(vehicle.vehicle_id, entry.marker, target);
    } else {
      entry = this.createMarker(vehicle.vehicle_id, target);
    }
    describeVehicleMarker(entry, vehicle, vehicle.name);
  }

  removeVehicle(vehicleId) {
    const entry = this.markers.get(vehicleId);
    if (entry) {
      this.glide.stop(vehicleId);
      this.markerLayer.removeLayer(entry.marker);
      this.markers.delete(vehicleId);
    }
  }

  createMarker(vehicleId, target) {
    const { icon, heading, letter } = vehicleIcon();
    // keyboard: Leaflet makes the icon focusable with role="button", but only a popup would answer Enter.
    const marker = L.marker(target, { icon, keyboard: true, riseOnHover: true }).addTo(this.markerLayer);
    marker.on('click', () => this.hooks.onVehicleClick(vehicleId));
    marker.on('keydown', ({ originalEvent }) => {
      if (originalEvent.key === 'Enter' || originalEvent.key === ' ') {
        originalEvent.preventDefault();
        this.hooks.onVehicleClick(vehicleId);
      }
    });
    const entry = { marker, element: marker.getElement(), heading, letter };
    entry.element.dataset.vehicleId = vehicleId;
    this.markers.set(vehicleId, entry);
    if (vehicleId === this.selectedId) {
      this.markSelected(entry, true);
    }
    return entry;
  }

  select(vehicleId) {
    const previous = this.markers.get(this.selectedId);
    if (previous) {
      this.markSelected(previous, false);
    }
    this.selectedId = vehicleId;
    const current = this.markers.get(vehicleId);
    if (current) {
      this.markSelected(current, true);
    }
  }

  markSelected(entry, selected) {
    entry.element.classList.toggle('is-selected', selected);
    entry.marker.setZIndexOffset(selected ? 10_000 : 0);
  }

  /** Where the dispatcher is looking: the place a new job most likely starts. */
  centre() {
    return this.map.getCenter();
  }

  /** Brings a position into view, zooming in only when the map is zoomed out too far to see a street. */
  focus(latitude, longitude) {
    const target = L.latLng(latitude, longitude);
    if (this.map.getZoom() < FOCUS_ZOOM - 2) {
      this.map.setView(target, FOCUS_ZOOM);
    } else {
      this.map.panTo(target);
    }
  }

  /** Keeps a followed vehicle centred, panning as long as its marker glides. */
  follow(latitude, longitude) {
    this.map.panTo([latitude, longitude], { animate: true, duration: GLIDE_MS / 1000, easeLinearity: 1 });
  }

  fitToVehicles(vehicles) {
    const points = vehicles.filter((vehicle) => isNumber(vehicle.latitude) && isNumber(vehicle.longitude))
      .map((vehicle) => [vehicle.latitude, vehicle.longitude]);
    if (points.length === 1) {
      this.map.setView(points[0], FOCUS_ZOOM);
    } else if (points.length > 1) {
      this.map.fitBounds(points, { padding: [40, 40], maxZoom: FOCUS_ZOOM });
    }
  }

  // --- followed vehicle trail and trip path -----------------------------------------------------------------------

  /**
   * The trail is a run of segments, each a stretch of contiguous fixes; between two segments a faint straight connector
   * shows where the vehicle reappeared, without pretending to know the way it took.
   */
  startTrail(latitude, longitude) {
    this.clearTrail();
    this.trail = { segments: [], gaps: [], broken: false };
    this.addTrailSegment(isNumber(latitude) && isNumber(longitude) ? [L.latLng(latitude, longitude)] : []);
  }

  /** Fixes are missing after the trail's last point (a data gap, or news missed while disconnected): the next starts a segment. */
  breakTrail() {
    if (this.trail) {
      this.trail.broken = true;
    }
  }

  extendTrail(points) {
    if (!this.trail || points.length === 0) {
      return;
    }
    const latLngs = points.map(([latitude, longitude]) => L.latLng(latitude, longitude));
    let segment = this.trail.segments.at(-1);
    const last = segment.getLatLngs().at(-1);
    if (this.trail.broken && last) {
      this.trail.gaps.push(L.polyline([last, latLngs[0]], { className: 'trail-gap', interactive: false }).addTo(this.tripLayer));
      segment = this.addTrailSegment([]);
    }
    this.trail.broken = false;
    segment.setLatLngs([...segment.getLatLngs(), ...latLngs]);
    this.trimTrail();
  }

  addTrailSegment(latLngs) {
    const segment = L.polyline(latLngs, { className: 'follow-trail', interactive: false }).addTo(this.tripLayer);
    this.trail.segments.push(segment);
    return segment;
  }

  /** The oldest points go first, and with a segment its connector to the next. */
  trimTrail() {
    const { segments, gaps } = this.trail;
    let excess = segments.reduce((count, segment) => count + segment.getLatLngs().length, 0) - MAX_TRAIL_POINTS;
    while (excess > 0) {
      const oldest = segments[0].getLatLngs();
      if (segments.length > 1 && oldest.length <= excess) {
        this.tripLayer.removeLayer(segments.shift());
        this.tripLayer.removeLayer(gaps.shift());
        excess -= oldest.length;
      } else {
        segments[0].setLatLngs(oldest.slice(excess));
        excess = 0;
      }
    }
  }

  clearTrail() {
    if (this.trail) {
      for (const layer of [...this.trail.segments, ...this.trail.gaps]) {
        this.tripLayer.removeLayer(layer);
      }
      this.trail = null;
    }
  }

  showTripPath(points) {
    this.clearTripPath();
    this.tripPath = L.polyline(points, { className: 'trip-path', interactive: false }).addTo(this.tripLayer);
    if (points.length > 0) {
      this.map.fitBounds(this.tripPath.getBounds(), { padding: [40, 40], maxZoom: 17 });
    }
  }

  clearTripPath() {
    if (this.tripPath) {
      this.tripLayer.removeLayer(this.tripPath);
      this.tripPath = null;
    }
  }

  // --- geofences --------------------------------------------------------------------------------------------------

  /** The company's fences as the API lists them: any other fence drawn goes. */
  showGeofences(geofences) {
    this.geofenceLayer.clearLayers();
    this.fences.clear();
    for (const fence of geofences) {
      this.showGeofence(fence);
    }
  }

  /** Draws a fence, or draws again one that changed. */
  showGeofence(fence) {
    this.removeGeofence(fence.geofence_id);
    const drawn = this.geofenceLayerOf(fence);
    if (!drawn) {
      return;
    }
    // An element, not a string: Leaflet would parse a string tooltip as HTML.
    drawn.layer.bindTooltip(el('span', { text: fence.name }), { sticky: true });
    drawn.layer.addTo(this.geofenceLayer);
    drawn.layer.getElement()?.setAttribute('data-geofence-id', fence.geofence_id);
    this.fences.set(fence.geofence_id, drawn);
    if (drawn.halfWidth !== null) {
      this.resizeCorridor(drawn, this.map.getZoom());
    }
  }

  removeGeofence(geofenceId) {
    const drawn = this.fences.get(geofenceId);
    if (drawn) {
      this.geofenceLayer.removeLayer(drawn.layer);
      this.fences.delete(geofenceId);
    }
  }

  /** @returns {{layer: L.Path, halfWidth: number|null}|null} halfWidth for a corridor, whose line is resized on zoom */
  geofenceLayerOf(fence) {
    const geometry = fence.geometry;
    const style = { className: 'geofence', color: '#6a3d9a', weight: 2, fillOpacity: 0.08, dashArray: '6 4' };
    // GeoJSON is longitude first; Leaflet wants latitude first.
    const toLatLng = ([longitude, latitude]) => [latitude, longitude];
    switch (geometry?.type) {
      case 'Point':
        return isNumber(fence.radius_meters)
          ? { layer: L.circle(toLatLng(geometry.coordinates), { ...style, radius: fence.radius_meters }), halfWidth: null }
          : null;
      case 'Polygon':
        return { layer: L.polygon(geometry.coordinates.map((ring) => ring.map(toLatLng)), style), halfWidth: null };
      case 'LineString': {
        // A corridor drawn as a line as wide as the corridor at the current zoom (resized on zoom).
        const line = L.polyline(geometry.coordinates.map(toLatLng), { ...style, opacity: 0.25, dashArray: null, lineCap: 'round', lineJoin: 'round' });
        return { layer: line, halfWidth: isNumber(fence.half_width_meters) ? fence.half_width_meters : 0 };
      }
      default:
        return null;
    }
  }

  resizeCorridors() {
    const zoom = this.map.getZoom();
    for (const drawn of this.fences.values()) {
      if (drawn.halfWidth !== null) {
        this.resizeCorridor(drawn, zoom);
      }
    }
  }

  resizeCorridor({ layer, halfWidth }, zoom) {
    const latitude = layer.getBounds().getCenter().lat;
    const metersPerPixel = (EARTH_CIRCUMFERENCE_METERS * Math.cos((latitude * Math.PI) / 180)) / 2 ** (zoom + 8);
    layer.setStyle({ weight: Math.max(3, (2 * halfWidth) / metersPerPixel) });
  }
}
