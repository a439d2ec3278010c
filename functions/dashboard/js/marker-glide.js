// Markers that glide from fix to fix, so movement reads as driving: the fleet map's and the tracking page's.

/** How long a glide takes: long enough to read as driving, short enough to be there well before the next fix. */
export const GLIDE_MS = 1000;

export class MarkerGlide {
  constructor() {
    this.glides = new Map();
    this.frame = 0;
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  }

  /** Glides from where the marker is drawn now (maybe mid-glide) to `target`, an L.LatLng. */
  move(key, marker, target) {
    const from = marker.getLatLng();
    // The same fix can arrive twice (a followed vehicle's on the company and the vehicle group): keep the glide going.
    if (from.equals(target) || this.glides.get(key)?.target.equals(target)) {
      return;
    }
    if (this.reducedMotion.matches || document.hidden) {
      this.glides.delete(key);
      marker.setLatLng(target);
      return;
    }
    this.glides.set(key, { marker, from, target, start: performance.now() });
    if (this.frame === 0) {
      this.frame = requestAnimationFrame((now) => this.step(now));
    }
  }

  /** Forgets a marker's glide, when the marker goes. */
  stop(key) {
    this.glides.delete(key);
  }

  step(now) {
    for (const [key, glide] of this.glides) {
      const progress = Math.min(1, Math.max(0, (now - glide.start) / GLIDE_MS));
      const { from, target } = glide;
      glide.marker.setLatLng([from.lat + (target.lat - from.lat) * progress, from.lng + (target.lng - from.lng) * progress]);
      if (progress === 1) {
        this.glides.delete(key);
      }
    }
    this.frame = this.glides.size > 0 ? requestAnimationFrame((next) => this.step(next)) : 0;
  }
}
