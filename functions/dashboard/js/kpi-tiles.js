// The KPI tiles ([data-kpi]), from GET /api/dashboard and fleet_dashboard_update.

import { setText } from './dom.js';
import { formatNumber, formatWithUnit, isNumber } from './format.js';

const FORMATS = {
  active_vehicles: (kpis) => formatNumber(kpis.active_vehicles, 0),
  trips_today: (kpis) => formatNumber(kpis.trips_today, 0),
  distance_km_today: (kpis) => formatWithUnit(kpis.distance_km_today, 1, 'km'),
  fuel_liters_today: (kpis) => formatWithUnit(kpis.fuel_liters_today, 1, 'L'),
  utilisation_percent: (kpis) => formatWithUnit(kpis.utilisation_percent, 0, '%'),
  cost_per_km: (kpis) => formatCostPerKm(kpis.cost_per_km, kpis.currency),
};

const DETAILS = {
  active_vehicles: (kpis) => (isNumber(kpis.total_vehicles) ? `${formatNumber(kpis.moving_vehicles, 0)} moving of ${formatNumber(kpis.total_vehicles, 0)}` : ''),
  trips_today: (kpis) => (isNumber(kpis.vehicles_used_today) ? `${formatNumber(kpis.vehicles_used_today, 0)} vehicles used` : ''),
  utilisation_percent: (kpis) => (isNumber(kpis.idle_seconds_today) ? `idle ${formatNumber(kpis.idle_seconds_today / 3600, 1)} h` : ''),
};

/** In the company's own currency, which the API names (ISO 4217), e.g. "NT$6.40 /km" or "€0.31 /km". */
function formatCostPerKm(value, currency) {
  if (!isNumber(value)) {
    return formatNumber(value, 2);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    return `${formatNumber(value, 2)} /km`;
  }
  return `${new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)} /km`;
}

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
