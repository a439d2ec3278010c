// The KPI tiles ([data-kpi]), from GET /api/dashboard and fleet_dashboard_update.

import { setText } from './dom.js';
import { formatNumber, formatWithUnit, isNumber } from './format.js';

const FORMATS = {
  active_vehicles: (kpis) => formatNumber(kpis.active_vehicles, 0),
  trips_today: (kpis) => formatNumber(kpis.trips_today, 0),
  distance_km_today: (kpis) => formatWithUnit(kpis.distance_km_today, 1, 'km'),
  fuel_liters_today: (kpis) => formatWithUnit(kpis.fuel_liters_today, 1, 'L'),
  utilisation_percent: (kpis) => formatWithUnit(kpis.utilisation_percent, 0, '%'),
  // No currency symbol: the API gives a number in the company's own currency, without naming it.
  cost_per_km: (kpis) => formatNumber(kpis.cost_per_km, 2),
};

const DETAILS = {
  active_vehicles: (kpis) => (isNumber(kpis.total_vehicles) ? `${formatNumber(kpis.moving_vehicles, 0)} moving of ${formatNumber(kpis.total_vehicles, 0)}` : ''),
  trips_today: (kpis) => (isNumber(kpis.vehicles_used_today) ? `${formatNumber(kpis.vehicles_used_today, 0)} vehicles used` : ''),
  utilisation_percent: (kpis) => (isNumber(kpis.idle_seconds_today) ? `idle ${formatNumber(kpis.idle_seconds_today / 3600, 1)} h` : ''),
};

export class KpiTiles {
  constructor(container) {
    this.tiles = [...container.querySelectorAll('[data-kpi]')];
  }

  render(kpis) {
    for (const tile of this.tiles) {
      const name = tile.dataset.kpi;
      setText(tile.querySelector('.kpi-value'), FORMATS[name](kpis));
      const detail = tile.querySelector('.kpi-detail');
      if (detail) {
        setText(detail, DETAILS[name]?.(kpis) ?? '');
      }
    }
  }
}
